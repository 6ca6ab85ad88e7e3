namespace Integrations.Tests.Unit.Deployment;

/// <summary>compose/helm/integrations, rendered by helm itself.</summary>
public sealed class The_helm_chart
{
    private const string Chart = "compose/helm/integrations";

    [Fact]
    public void Lints_clean()
    {
        var (code, output, errors) = DeploymentFiles.RunHelm("lint", Chart, "--strict");
        Assert.True(code == 0, output + errors);
    }

    [Fact]
    public void Renders_the_plain_manifests_with_its_default_values()
    {
        var rendered = Render();
        var plain = File.ReadAllText(DeploymentFiles.Compose("kubernetes/integrations.yaml"));
        // The plain file is the rendering under a comment of its own.
        var body = plain[plain.IndexOf("\n---", StringComparison.Ordinal)..].TrimStart('\n');
        Assert.Equal(rendered, body);
    }

    [Fact]
    public void Keeps_to_the_node_with_other_ports_roles_and_a_secret_of_its_own()
    {
        var manifests = new NodeManifests(Render(
            "--set", "ports.channels=18010", "--set", "ports.admin=9183",
            "--set", "edge.roles=edge\\,dashboard", "--set", "worker.roles=worker",
            "--set", "secrets.create=true", "--set", "secrets.name=esb-servers",
            "--set", "secrets.rabbitmq=amqp://esb:esb@rabbitmq:5672/", "--set", "secrets.postgres=Host=postgres",
            "--set", "secrets.secretKey=" + Convert.ToBase64String(new byte[32]), "--set", "secrets.adminPassword=pw"));
        manifests.Check();

        var edge = manifests.Nodes.Single(n => n.Name.EndsWith("-edge", StringComparison.Ordinal));
        Assert.Equal(new HashSet<int> { 18010, 9183 }, edge.ContainerPorts.Values.ToHashSet());
        // A worker alone serves no HTTP: no port, no probe.
        var worker = manifests.Nodes.Single(n => n.Name.EndsWith("-worker", StringComparison.Ordinal));
        Assert.Empty(worker.ContainerPorts);
        Assert.Empty(worker.Container.Map("readinessProbe"));
        Assert.Empty(worker.Container.Map("livenessProbe"));
        var secret = Assert.Single(manifests.OfKind("Secret"));
        Assert.Equal("esb-servers", secret.Map("metadata").Text("name"));
    }

    [Fact]
    public void Makes_no_secret_without_the_cluster_s_key()
    {
        var (code, _, errors) = DeploymentFiles.RunHelm("template", "integrations", Chart,
            "--set", "secrets.create=true", "--set", "secrets.rabbitmq=amqp://rabbitmq/", "--set", "secrets.postgres=Host=postgres",
            "--set", "secrets.adminPassword=pw");
        Assert.NotEqual(0, code);
        Assert.Contains("secrets.secretKey", errors, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", errors, StringComparison.Ordinal);
    }

    private static string Render(params string[] settings)
    {
        var (code, output, errors) = DeploymentFiles.RunHelm(["template", "integrations", Chart, .. settings]);
        Assert.True(code == 0, errors);
        return output;
    }
}
