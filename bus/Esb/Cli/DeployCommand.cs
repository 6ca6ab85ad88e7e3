using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

internal static class DeployCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "C# source files with one or more services, or one compiled service assembly (.dll).", Arity = ArgumentArity.OneOrMore };
        var admin = new AdminOptions();
        var command = new Command("deploy", """
            Deploy C# services to the running cluster: compiled on the node, stored as a new version, loaded by every
            node without a restart. A compile error deploys nothing and prints file:line:col: error CSxxxx: message.
            Example:
              esb deploy services/Integrations.Services/Tutorial/GetUserDetails.cs
            """)
        {
            files,
        };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var sources = new JsonArray();
            foreach (var path in parse.GetValue(files)!)
            {
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
                return AdminClient.Failed("deploy", a.Status, a.Body, a.Cid);
            }
            var services = string.Join(", ", json.RootElement.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
            Console.WriteLine($"deployed version {json.RootElement.GetProperty("version").GetInt64()}: {services}");
            return 0;
        });
        return command;
    }

    /// <summary><c>esb deployments</c>, <c>esb undeploy</c>, <c>esb rollback</c>, <c>esb source</c>.</summary>
    public static IEnumerable<Command> Others()
    {
        var history = new Command("deployments", "List every deployment, newest first: version, services, files, who and when.");
        var historyAdmin = new AdminOptions();
        historyAdmin.AddTo(history);
        history.SetAction((parse, ct) => Simple(historyAdmin, parse, "deployments", HttpMethod.Get, "admin/deployments", null, ct));

        var undeployName = new Argument<string>("service") { Description = "A deployed service." };
        var undeploy = new Command("undeploy", "Stop serving a deployed service on every node: its queue goes away, calls get 404.") { undeployName };
        var undeployAdmin = new AdminOptions();
        undeployAdmin.AddTo(undeploy);
        undeploy.SetAction((parse, ct) => Simple(undeployAdmin, parse, "undeploy", HttpMethod.Delete,
            $"admin/services/{Uri.EscapeDataString(parse.GetValue(undeployName)!)}", null, ct));

        var rollbackName = new Argument<string>("service") { Description = "A deployed service." };
        var rollbackVersion = new Argument<long>("version") { Description = "An earlier deployment of it (see esb deployments)." };
        var rollback = new Command("rollback", "Serve an earlier deployed version of a service again, on every node.") { rollbackName, rollbackVersion };
        var rollbackAdmin = new AdminOptions();
        rollbackAdmin.AddTo(rollback);
        rollback.SetAction((parse, ct) => Simple(rollbackAdmin, parse, "rollback", HttpMethod.Post,
            $"admin/services/{Uri.EscapeDataString(parse.GetValue(rollbackName)!)}/rollback", $"{{\"version\": {parse.GetValue(rollbackVersion)}}}", ct));

        var sourceName = new Argument<string>("service") { Description = "A deployed service." };
        var source = new Command("source", "Print the source files of the deployment that serves a service.") { sourceName };
        var sourceAdmin = new AdminOptions();
        sourceAdmin.AddTo(source);
        source.SetAction(async (parse, ct) =>
        {
            using var client = sourceAdmin.Client(parse, "source");
            if (client is null) return 2;
            var answer = await client.SendAsync(HttpMethod.Get, $"admin/services/{Uri.EscapeDataString(parse.GetValue(sourceName)!)}/source", null, "source", ct);
            if (answer is not { } a) return 1;
            if ((int)a.Status >= 400) return AdminClient.Failed("source", a.Status, a.Body, a.Cid);
            foreach (var file in JsonDocument.Parse(a.Body).RootElement.EnumerateArray())
                Console.WriteLine($"// {file.GetProperty("name").GetString()}\n{file.GetProperty("source").GetString()}");
            return 0;
        });
        return [history, undeploy, rollback, source];
    }

    private static async Task<int> Simple(AdminOptions admin, ParseResult parse, string command, HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var client = admin.Client(parse, command);
        if (client is null) return 2;
        var answer = await client.SendAsync(method, path, body, command, ct);
        if (answer is not { } a) return 1;
        if ((int)a.Status >= 400) return AdminClient.Failed(command, a.Status, a.Body, a.Cid);
        AdminClient.PrintPretty(a.Body);
        return 0;
    }
}
