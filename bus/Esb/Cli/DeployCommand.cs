using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

internal static class DeployCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "C# source files with one or more services.", Arity = ArgumentArity.OneOrMore };
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
                sources.Add(new JsonObject { ["name"] = Path.GetFileName(path), ["source"] = await File.ReadAllTextAsync(path, cancellation) });
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
}
