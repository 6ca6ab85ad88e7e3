using System.CommandLine;
using System.Text.Json.Nodes;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;

namespace Integrations.Esb.Cli;

/// <summary>
/// One command per kind of configuration object (<see cref="ConfigKinds"/>: named as the kind is, everywhere), each
/// with the same verbs — list, show, create, update, delete — whose help lists the kind's fields, and the kind's own
/// (change-secret, ping, run, publish). Fields are given as key=value pairs or one JSON object, named as in the admin
/// API and in YAML (snake_case).
/// </summary>
internal static class ConfigCommands
{
    private static readonly Column Name = Column.Field("name");

    public static IEnumerable<Command> Create()
    {
        foreach (var kind in ConfigKinds.Product().All)
        {
            var command = Kind(kind);
            foreach (var own in Own(kind.Name)) command.Subcommands.Add(own);
            yield return command;
        }
    }

    // What a kind can do beyond list, show, create, update and delete.
    private static IEnumerable<Command> Own(string kind) => kind switch
    {
        "security" => [ChangeSecret()],
        "outgoing_rest" => [Ping()],
        "pubsub_topic" => [Publish()],
        "scheduler" =>
        [
            JobAction("run", "run", "Run a job now, once, on whichever node takes it; the schedule is unchanged.", "asked for a run of '{0}' now; esb scheduler runs \"{0}\" shows it"),
            JobAction("pause", "pause", "Pause a job: no runs until it is resumed.", "paused scheduler '{0}'"),
            JobAction("resume", "resume", "Resume a paused job; runs it missed follow its misfire policy.", "resumed scheduler '{0}'"),
            Runs(),
        ],
        _ => [],
    };

    private static Command Kind(ConfigKind kind)
    {
        var name = kind.Name;
        var path = "admin" + kind.AdminPath;
        var what = char.IsUpper(kind.Title[0]) && kind.Title.Length > 1 && char.IsLower(kind.Title[1]) ? char.ToLowerInvariant(kind.Title[0]) + kind.Title[1..] : kind.Title;
        var fields = string.Join('\n', kind.Fields.Select(f => $"  {f.Name,-22}{f.Help}" + (f.Default is { } d and not "null" and not "[]" and not "\"\"" ? $" (default {d.Trim('"')})" : "")));
        if (kind.HasSecret) fields += $"\nA new one gets a random secret; set yours with: esb {name} change-secret NAME";
        var example = $"esb {name} create {kind.Example}";
        var command = new Command(name, $"Manage {what}.");
        var fieldsArgument = () => new Argument<string[]>("fields")
        {
            Description = "key=value pairs, or one JSON object.",
            Arity = ArgumentArity.OneOrMore,
        };
        var nameArgument = () => new Argument<string>("name") { Description = "The object's name." };

        var references = kind.References.Select(r => r.Field).ToHashSet(StringComparer.Ordinal);
        Column[] columns =
        [
            Name,
            .. kind.Columns.Select(c => Column.Field(c, missing: references.Contains(c) ? "none" : "")),
            .. kind.DescriptionColumn is { } header ? [Described(kind, header)] : Array.Empty<Column>(),
            .. kind.Fields.Any(f => f.Name == "is_active") ? [Column.Field("is_active", "ACTIVE")] : Array.Empty<Column>(),
        ];
        var json = AdminCommand.Json();
        command.Subcommands.Add(Verb("list", $"List the {what}: a table, or the admin API's JSON with --json.", [json], (admin, parse, ct) =>
            Table.ListAsync(admin, path, $"{name} list", parse.GetValue(json), columns, $"no {what} yet", ct)));

        var showName = nameArgument();
        command.Subcommands.Add(Verb("show", "Show one, by name.", [showName], (admin, parse, ct) =>
            Print(admin, HttpMethod.Get, $"{path}/{Escape(parse.GetValue(showName)!)}", null, $"{name} show", ct)));

        var createFields = fieldsArgument();
        var createJson = Stored();
        command.Subcommands.Add(Verb("create", $"Create one. Fields:\n{fields}\nExample:\n  {example}", [createFields, createJson], (admin, parse, ct) =>
            Fields(parse.GetValue(createFields)!, $"{name} create") is { } body
                ? admin.ConfirmAsync(HttpMethod.Post, path, body, $"{name} create", parse.GetValue(createJson),
                    created => $"created {name} '{created?["name"]}'" + (kind.HasSecret ? $"; its secret is random: set yours with esb {name} change-secret \"{created?["name"]}\"" : ""), ct)
                : Task.FromResult(2)));

        var updateName = nameArgument();
        var updateFields = fieldsArgument();
        var updateJson = Stored();
        command.Subcommands.Add(Verb("update", $"Change some fields of one; the others keep their values. Fields:\n{fields}",
            [updateName, updateFields, updateJson], (admin, parse, ct) =>
                Fields(parse.GetValue(updateFields)!, $"{name} update") is { } body
                    ? admin.ConfirmAsync(HttpMethod.Put, $"{path}/{Escape(parse.GetValue(updateName)!)}", body, $"{name} update", parse.GetValue(updateJson),
                        _ => $"updated {name} '{parse.GetValue(updateName)}'", ct)
                    : Task.FromResult(2)));

        var deleteName = nameArgument();
        command.Subcommands.Add(Verb("delete", "Delete one, by name.", [deleteName], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Delete, $"{path}/{Escape(parse.GetValue(deleteName)!)}", null, $"{name} delete", json: false,
                _ => $"deleted {name} '{parse.GetValue(deleteName)}'", ct)));
        return command;
    }

    private static Column Described(ConfigKind kind, string header) => new(header, row =>
        ConfigJson.TryBind(kind.Type, row.AsObject(), out var value, out _) ? kind.Describe(value) ?? "" : "");

    private static Option<bool> Stored() => new("--json") { Description = "Print the object as the admin API stored it (JSON) instead of a line." };

    private static Command ChangeSecret()
    {
        var name = new Argument<string>("name") { Description = "The security definition." };
        var secret = new Option<string?>("--secret") { Description = "The new secret; without it, it is read from standard input (one line)." };
        return Verb("change-secret", "Set the secret of a security definition: the API key, password, JWT key or OAuth client secret.",
            [name, secret], async (admin, parse, ct) =>
            {
                var value = parse.GetValue(secret);
                if (value is null)
                {
                    if (!Console.IsInputRedirected) Console.Error.Write("New secret: ");
                    value = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
                }
                if (string.IsNullOrEmpty(value))
                {
                    Console.Error.WriteLine("esb security change-secret: no secret given");
                    return 2;
                }
                var body = new JsonObject { ["secret"] = value }.ToJsonString();
                return await admin.ConfirmAsync(HttpMethod.Post, $"admin/security/{Escape(parse.GetValue(name)!)}/secret", body, "security change-secret", json: false,
                    _ => $"changed the secret of security '{parse.GetValue(name)}'", ct);
            });
    }

    private static Command Ping()
    {
        var name = new Argument<string>("name") { Description = "The connection." };
        return Verb("ping", "Check from the server that the connection's system answers: status and time, or why not (DNS, refused, TLS, timeout).",
            [name], async (admin, parse, ct) =>
            {
                if (await admin.CallAsync((api, c) => api.PingRestAsync(parse.GetValue(name)!, c), "outgoing_rest ping", ct) is not { } result) return 1;
                Console.WriteLine(result.Ok
                    ? $"OK    {result.Url}  {result.Status}  {result.TimeMs:0.#} ms"
                    : $"FAIL  {result.Url}  {result.Reason}  ({result.TimeMs:0.#} ms)");
                return result.Ok ? 0 : 1;
            });
    }

    private static Command Publish()
    {
        var name = new Argument<string>("name") { Description = "The topic." };
        var message = new Argument<string>("message") { Description = "The message: JSON." };
        return Verb("publish", "Publish a JSON message to a topic; every subscription gets it.", [name, message], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Post, $"admin/pubsub/topics/{Escape(parse.GetValue(name)!)}/publish", parse.GetValue(message), "pubsub_topic publish", json: false,
                published => $"published to {parse.GetValue(name)} (cid={published?["cid"]})", ct));
    }

    private static Command JobAction(string verb, string action, string description, string done)
    {
        var name = new Argument<string>("name") { Description = "The job." };
        return Verb(verb, description, [name], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Post, $"admin/scheduler/{Escape(parse.GetValue(name)!)}/{action}", "{}", $"scheduler {verb}", json: false,
                _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, done, parse.GetValue(name)), ct));
    }

    private static Command Runs()
    {
        var name = new Argument<string>("name") { Description = "The job." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs to show, newest first (1–1000).", DefaultValueFactory = _ => 20 };
        var json = AdminCommand.Json();
        return Verb("runs", "Show where a job stands (state, next run) and its last runs: cid, when, node, outcome, time.",
            [name, limit, json], async (admin, parse, ct) =>
            {
                var path = $"admin/scheduler/{Escape(parse.GetValue(name)!)}/runs?limit={parse.GetValue(limit)}";
                var (status, code) = await admin.ReadAsync(path, "scheduler runs", parse.GetValue(json), ct);
                if (status is null) return code;
                Console.WriteLine($"{status["job"]}: {status["state"]}" + (status["next_run"] is { } next ? $", next run {Column.Local(next, LocalMs)}" : ""));
                var runs = status["runs"]!.AsArray();
                if (runs.Count == 0)
                {
                    Console.WriteLine("no runs yet");
                    return 0;
                }
                Table.Print(RunColumns, runs.Select(run => run!));
                if (runs.Any(r => r!["manual"]?.GetValue<bool>() == true)) Console.WriteLine("* run now, by an operator");
                return 0;
            });
    }

    private const string LocalMs = "yyyy-MM-dd HH:mm:ss.fff";

    private static readonly Column[] RunColumns =
    [
        new("DUE", run => Column.Local(run["due"], LocalMs) + (run["manual"]?.GetValue<bool>() == true ? "*" : "")),
        Column.Field("cid"),
        Column.Field("node"),
        Column.Field("outcome"),
        Column.Field("status", alignRight: true),
        new("TIME", run => run["duration_ms"] is { } ms ? $"{ms.GetValue<double>():0.0} ms" : "", AlignRight: true),
        Column.Field("error"),
    ];

    private static Command Verb(string name, string description, Symbol[] symbols, Func<AdminSession, ParseResult, CancellationToken, Task<int>> run) =>
        AdminCommand.Create(name, description, symbols, run);

    private static Task<int> Print(AdminSession admin, HttpMethod method, string path, string? body, string command, CancellationToken ct) =>
        admin.PrintAsync(method, path, body, command, ct);

    /// <summary>key=value pairs (values true, false, null, or starting with [ or {, are JSON) or one JSON object.</summary>
    private static string? Fields(string[] args, string command)
    {
        var text = args is [var single] && single.TrimStart().StartsWith('{') ? single : string.Join('\n', args);
        if (!InvokeParameters.TryParse(text, out var json, out var error))
        {
            Console.Error.WriteLine($"esb {command}: {error}");
            return null;
        }
        if (text.TrimStart().StartsWith('{')) return json;
        var fields = JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in fields.ToList())
        {
            var raw = value!.GetValue<string>();
            if (raw is "true" or "false" or "null" || raw.StartsWith('[') || raw.StartsWith('{'))
            {
                try
                {
                    fields[key] = JsonNode.Parse(raw);
                }
                catch (System.Text.Json.JsonException e)
                {
                    Console.Error.WriteLine($"esb {command}: {key}: {Integrations.Runtime.ServiceInput.Malformed(e)}");
                    return null;
                }
            }
        }
        return fields.ToJsonString();
    }

    private static string Escape(string name) => Uri.EscapeDataString(name);

    private static string ReadHidden()
    {
        var secret = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (secret.Length > 0) secret.Length--; }
            else secret.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return secret.ToString();
    }
}
