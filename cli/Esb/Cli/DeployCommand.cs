using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

internal static class DeployCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "C# source files with one or more services, or one compiled service assembly (.dll), or the folder of a project that builds one (its newest build is deployed).",
            Arity = ArgumentArity.OneOrMore,
        };
        var admin = new AdminOptions();
        var command = new Command("deploy", """
            Deploy C# services to the running cluster: compiled on the node, stored as a new version, loaded by every
            node without a restart. A compile error deploys nothing and prints file:line:col: error CSxxxx: message.
            Examples:
              esb deploy services/Integrations.Services/Tutorial/GetUserDetails.cs
              esb deploy src/Acme.Orders            (a project made with dotnet new esb-service, built)
            """)
        {
            files,
        };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var sources = new JsonArray();
            foreach (var given in parse.GetValue(files)!)
            {
                var path = given;
                if (Directory.Exists(given))
                {
                    if (BuiltAssembly(given, out var why) is not { } built)
                    {
                        Console.Error.WriteLine($"esb deploy: {given}: {why}");
                        return 2;
                    }
                    Console.WriteLine($"deploying {built}");
                    path = built;
                }
                if (!File.Exists(path))
                {
                    Console.Error.WriteLine($"esb deploy: {path}: no such file");
                    return 2;
                }
                var content = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    ? Convert.ToBase64String(await File.ReadAllBytesAsync(path, cancellation))
                    : await File.ReadAllTextAsync(path, cancellation);
                sources.Add(new JsonObject { ["name"] = Path.GetFileName(path), ["source"] = content });
            }
            using var client = admin.Client(parse, "deploy");
            if (client is null) return 2;
            var answer = await client.SendAsync(HttpMethod.Post, "admin/deployments", new JsonObject { ["files"] = sources }.ToJsonString(), "deploy", cancellation);
            if (answer is not { } a) return 1;
            using var json = JsonDocument.Parse(a.Body);
            if ((int)a.Status >= 400)
            {
                if (json.RootElement.TryGetProperty("errors", out var errors))
                    foreach (var error in errors.EnumerateArray()) Console.Error.WriteLine(error.GetString());
                return client.Failed("deploy", a.Status, a.Body, a.Cid);
            }
            var services = string.Join(", ", json.RootElement.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
            Console.WriteLine($"deployed version {json.RootElement.GetProperty("version").GetInt64()}: {services}");
            return 0;
        });
        return command;
    }

    // A project's folder: the assembly its newest build made (bin/<configuration>/<framework>/<name>.dll).
    private static string? BuiltAssembly(string folder, out string why)
    {
        var projects = Directory.GetFiles(folder, "*.csproj");
        if (projects.Length != 1)
        {
            why = projects.Length == 0
                ? "no project (.csproj) in this folder; give a project's folder, its built .dll, or C# source files"
                : $"{projects.Length} projects in this folder; give the folder of one, or its built .dll";
            return null;
        }
        var name = Path.GetFileNameWithoutExtension(projects[0]);
        var bin = Path.Combine(folder, "bin");
        var built = Directory.Exists(bin)
            ? Directory.GetFiles(bin, name + ".dll", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("ref"))
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        why = $"{name} is not built yet; build it first (dotnet build {folder}), then deploy again";
        return built;
    }

    private static readonly Column[] DeploymentColumns =
    [
        Column.Field("version", alignRight: true),
        Column.Field("services"),
        Column.Field("files"),
        Column.Field("deployed_by", "BY"),
        new("WHEN", d => Column.Local(d["deployed_at"])),
    ];

    /// <summary><c>esb deployments</c>, <c>esb undeploy</c>, <c>esb rollback</c>, <c>esb source</c>.</summary>
    public static IEnumerable<Command> Others()
    {
        var json = AdminCommand.Json();
        var history = AdminCommand.Create("deployments", "List every deployment, newest first: version, services, files, who and when; the admin API's JSON with --json.",
            [json], (admin, parse, ct) =>
                Table.ListAsync(admin, "admin/deployments", "deployments", parse.GetValue(json), DeploymentColumns, "nothing was deployed yet", ct));

        var undeployName = new Argument<string>("service") { Description = "A deployed service." };
        var undeploy = AdminCommand.Create("undeploy", "Stop serving a deployed service on every node: its queue goes away, calls get 404.", [undeployName],
            (admin, parse, ct) => admin.ConfirmAsync(HttpMethod.Delete, $"admin/services/{Uri.EscapeDataString(parse.GetValue(undeployName)!)}", null, "undeploy", json: false,
                done => $"undeployed {parse.GetValue(undeployName)}" + (done?["now_serving"]?.GetValue<string>() is { } origin
                    ? $"; its {origin} version serves its calls again"
                    : "; calls to it are answered 404 now"), ct));

        var rollbackName = new Argument<string>("service") { Description = "A deployed service." };
        var rollbackVersion = new Argument<long>("version") { Description = "An earlier deployment of it (see esb deployments)." };
        var rollback = AdminCommand.Create("rollback", "Serve an earlier deployed version of a service again, on every node.", [rollbackName, rollbackVersion],
            (admin, parse, ct) => admin.ConfirmAsync(HttpMethod.Post, $"admin/services/{Uri.EscapeDataString(parse.GetValue(rollbackName)!)}/rollback",
                $"{{\"version\": {parse.GetValue(rollbackVersion)}}}", "rollback", json: false,
                _ => $"{parse.GetValue(rollbackName)} is served by version {parse.GetValue(rollbackVersion)} again, on every node", ct));

        var sourceName = new Argument<string>("service") { Description = "A deployed service." };
        var source = AdminCommand.Create("source", "Print the source files of the deployment that serves a service.", [sourceName], async (admin, parse, ct) =>
        {
            var answer = await admin.SendAsync(HttpMethod.Get, $"admin/services/{Uri.EscapeDataString(parse.GetValue(sourceName)!)}/source", null, "source", ct);
            if (answer is not { } a) return 1;
            if ((int)a.Status >= 400) return admin.Failed("source", a.Status, a.Body, a.Cid);
            foreach (var file in JsonDocument.Parse(a.Body).RootElement.EnumerateArray())
                Console.WriteLine($"// {file.GetProperty("name").GetString()}\n{file.GetProperty("source").GetString()}");
            return 0;
        });
        return [history, undeploy, rollback, source];
    }
}
