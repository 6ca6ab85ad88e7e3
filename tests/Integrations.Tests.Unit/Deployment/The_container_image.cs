using Integrations.Bus.Node;

namespace Integrations.Tests.Unit.Deployment;

/// <summary>compose/Dockerfile: the image that runs <c>esb serve</c>.</summary>
public sealed class The_container_image
{
    private static readonly string Dockerfile = File.ReadAllText(DeploymentFiles.Compose("Dockerfile"));
    private readonly List<(string Instruction, string Arguments)> _stage = DeploymentFiles.FinalStage(Dockerfile);
    private Dictionary<string, string> Env => DeploymentFiles.ImageEnvironment(_stage);

    [Fact]
    public void Runs_the_node_as_a_user_other_than_root()
    {
        var user = _stage.Last(i => i.Instruction == "USER").Arguments.Split(':')[0];
        Assert.DoesNotContain(user, new[] { "0", "root" });
        Assert.EndsWith("[\"dotnet\", \"esb.dll\", \"serve\"]", _stage.Single(i => i.Instruction == "ENTRYPOINT").Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Listens_on_every_interface_at_the_node_s_default_ports_and_exposes_them()
    {
        var defaults = new NodeOptions();
        var channels = new Uri(Env["ESB_CHANNELS_URL"]);
        var admin = new Uri(Env["ESB_ADMIN_URL"]);
        Assert.Equal([new Uri(defaults.ChannelsUrl).Port, new Uri(defaults.AdminUrl).Port], new[] { channels.Port, admin.Port });
        Assert.All(new[] { channels, admin }, url => Assert.Equal("0.0.0.0", url.Host));
        var exposed = _stage.Where(i => i.Instruction == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Select(int.Parse).ToHashSet();
        Assert.Equal(new HashSet<int> { channels.Port, admin.Port }, exposed);
    }

    [Fact]
    public void Keeps_the_data_directory_in_a_volume_the_node_s_user_owns()
    {
        var data = Env["ESB_DATA_DIR"];
        Assert.Contains(data, _stage.Single(i => i.Instruction == "VOLUME").Arguments);
        // The runtime image has no shell: the folders the node writes are made in the build and copied in as its own.
        var user = _stage.Last(i => i.Instruction == "USER").Arguments;
        Assert.Contains(_stage, i => i.Instruction == "COPY" && i.Arguments == $"--from=build --chown={user}:{user} /layout /");
        var made = Dockerfile.Split('\n').Single(l => l.Contains("mkdir -p /layout", StringComparison.Ordinal));
        foreach (var folder in new[] { data, Env["ESB_PICKUP_DIR"], Env["ESB_LOG_DIR"] })
            Assert.Contains("/layout" + folder, made, StringComparison.Ordinal);
    }

    [Fact]
    public void Sets_only_variables_esb_serve_reads()
    {
        foreach (var name in Env.Keys) Assert.Contains(name, DeploymentFiles.NodeVariables);
        // The key and the password are the user's to give, never the image's.
        Assert.DoesNotContain("ESB_SECRET_KEY", Env.Keys);
        Assert.DoesNotContain("ESB_ADMIN_PASSWORD", Env.Keys);
    }

    [Fact]
    public void Checks_its_health_on_the_ready_endpoint_of_the_port_its_roles_serve()
    {
        var check = _stage.Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        // esb health: the same settings as esb serve, the ready endpoint of the port the roles serve.
        Assert.EndsWith("CMD [\"dotnet\", \"/app/esb.dll\", \"health\"]", check, StringComparison.Ordinal);
        var probe = File.ReadAllText(Path.Combine(DeploymentFiles.Root, "cli", "Esb", "Cli", "HealthCommand.cs"));
        Assert.Contains("NodeHealth.ReadyPath", probe, StringComparison.Ordinal);
        Assert.Contains("NodeSettings.Load()", probe, StringComparison.Ordinal);
        foreach (var variable in new[] { "ESB_ROLES", "ESB_CHANNELS_URL", "ESB_ADMIN_URL" })
        {
            Assert.Contains(variable, DeploymentFiles.NodeVariables);
            Assert.Contains($"\"{variable}\"", probe, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Builds_from_a_context_without_build_output_or_local_state()
    {
        // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: the context is the repository's root.
        var ignored = File.ReadAllLines(DeploymentFiles.Compose("Dockerfile.dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        Assert.Superset(new HashSet<string> { ".git", "**/bin", "**/obj", ".esb", "logs", "tests" }, ignored);
        // What the image is built from stays in.
        foreach (var needed in new[] { "cli", "host", "bus", "adapters", "contracts", "services", "Directory.Build.props", "Directory.Packages.props" })
            Assert.DoesNotContain(ignored, pattern => needed == pattern || needed.StartsWith(pattern + "/", StringComparison.Ordinal));
    }
}
