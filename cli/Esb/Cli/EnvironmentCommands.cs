using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Config.Environment;

namespace Integrations.Esb.Cli;

/// <summary><c>esb export</c> and <c>esb import</c>: the whole environment as YAML, for git.</summary>
internal static class EnvironmentCommands
{
    public static IEnumerable<Command> Create() => [Export(), Import()];

    private static Command Export()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (and deployed services' sources to services/ beside it) instead of standard output." };
        var types = new Option<string[]>("--include-type")
        {
            Description = $"Only these kinds: {string.Join(", ", Integrations.Bus.Config.ConfigKinds.Product().Names)}, or services.",
            AllowMultipleArgumentsPerToken = true,
        };
        var names = new Option<string[]>("--include-name") { Description = "Only objects with these names.", AllowMultipleArgumentsPerToken = true };
        var admin = new AdminOptions();
        var command = new Command("export", """
            Write the cluster's environment as YAML: security definitions, outgoing connections, channels, scheduled
            jobs, service settings, and (with -o) the sources of deployed services. Secrets are never written: each is
            a placeholder, password: Esb_Env.<Name>, that esb import fills from the environment variable of that name.
            Example:
              esb export -o env/production.yaml
            """) { output, types, names };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            using var client = admin.Client(parse, "export");
            if (client is null) return 2;
            var query = string.Join("&", (parse.GetValue(types) ?? []).Select(t => "include_type=" + Uri.EscapeDataString(t))
                .Concat((parse.GetValue(names) ?? []).Select(n => "include_name=" + Uri.EscapeDataString(n))));
            var answer = await client.SendAsync(HttpMethod.Get, "admin/environment" + (query.Length > 0 ? "?" + query : ""), null, "export", cancellation);
            if (answer is not { } a) return 1;
            if ((int)a.Status >= 400) return client.Failed("export", a.Status, a.Body, a.Cid);
            var content = EnvironmentContent.FromJson(JsonNode.Parse(a.Body)!.AsObject()).Content!;
            var path = parse.GetValue(output);
            var count = content.Objects.Values.Sum(o => o.Count);
            if (path is null)
            {
                Console.Write(EnvironmentYaml.Write(content, null));
                if (content.Services.Count > 0)
                    Console.Error.WriteLine($"esb export: {content.Services.Count} deployed service file(s) left out; with -o FILE they are written beside it and listed under services:");
                return 0;
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(folder);
            foreach (var file in content.Services)
            {
                var target = Path.Combine(folder, "services", file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, file.Source, cancellation);
            }
            await File.WriteAllTextAsync(path, EnvironmentYaml.Write(content, "services"), cancellation);
            Console.Error.WriteLine($"wrote {path}: {count} object(s)" + (content.Services.Count > 0 ? $", {content.Services.Count} service file(s) in {Path.Combine(Path.GetDirectoryName(path) ?? "", "services")}" : ""));
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "The YAML file." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be created, changed and deleted; change nothing." };
        var replace = new Option<bool>("--replace") { Description = "Also delete the objects the file does not name (deployed services are never undeployed)." };
        var envFile = new Option<string?>("--env-file") { Description = "NAME=value lines for the Esb_Env.NAME placeholders; its values win over the process environment's." };
        var admin = new AdminOptions();
        var command = new Command("import", """
            Create or update everything in a YAML environment file, in one transaction: either all of it applies or
            none does. Esb_Env.NAME takes the value of NAME from --env-file or the environment. Importing the same file
            twice changes nothing the second time. Errors name the file, line and column.
            Example:
              My_API_Key=abc esb import env/production.yaml --dry-run
            """) { file, dryRun, replace, envFile };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var path = parse.GetValue(file)!;
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (parse.GetValue(envFile) is { } envPath && !ReadEnvFile(envPath, variables)) return 1;
            var environment = EnvironmentYaml.Read(path, name => variables.TryGetValue(name, out var v) ? v : System.Environment.GetEnvironmentVariable(name));
            if (environment.Content is not { } content)
            {
                foreach (var error in environment.Errors) Console.Error.WriteLine(error);
                Console.Error.WriteLine($"esb import: {environment.Errors.Count} error(s); nothing was applied");
                return 1;
            }
            using var client = admin.Client(parse, "import");
            if (client is null) return 2;
            var dry = parse.GetValue(dryRun);
            var answer = await client.SendAsync(HttpMethod.Post, $"admin/environment?dry_run={(dry ? "true" : "false")}&replace={(parse.GetValue(replace) ? "true" : "false")}",
                content.ToJson().ToJsonString(), "import", cancellation);
            if (answer is not { } a) return 1;
            var result = JsonNode.Parse(a.Body)!.AsObject();
            if (a.Status == HttpStatusCode.BadRequest && result["errors"] is JsonArray errors)
            {
                foreach (var error in errors.Deserialize<List<EnvironmentError>>(Integrations.Bus.Config.ConfigJson.Options)!) Console.Error.WriteLine(environment.Locate(error));
                Console.Error.WriteLine($"esb import: {errors.Count} error(s); nothing was applied");
                return 1;
            }
            if ((int)a.Status >= 400) return client.Failed("import", a.Status, a.Body, a.Cid);
            var verb = dry ? "would " : "";
            foreach (var (key, word) in new[] { ("deployed", "deploy"), ("created", "create"), ("changed", "change"), ("deleted", "delete") })
                foreach (var item in result[key]!.AsArray())
                    Console.WriteLine(dry ? $"would {word} {item}" : $"{key} {item}");
            Console.WriteLine($"{verb}{(dry ? "leave" : "left")} {result["unchanged"]} unchanged" + (dry ? " (dry run: nothing was changed)" : ""));
            return 0;
        });
        return command;
    }

    /// <summary>NAME=value lines; blank lines and # comments skipped; an optional "export " and quotes around the value.</summary>
    private static bool ReadEnvFile(string path, Dictionary<string, string> variables)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"esb import: --env-file {path}: cannot be read: {e.Message}");
            return false;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                Console.Error.WriteLine($"{path}:{i + 1}: expected NAME=value");
                return false;
            }
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')) value = value[1..^1];
            variables[line[..equals].Trim()] = value;
        }
        return true;
    }
}
