using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

/// <summary>
/// <c>esb failed</c>: the messages the platform gave up on — list and search them, see their groups, look at one whole,
/// send them back where they failed (as they were, or edited), archive or delete them.
/// </summary>
internal static class FailedCommand
{
    private const string LocalTime = "yyyy-MM-dd HH:mm:ss";

    private static readonly Column[] ListColumns =
    [
        Column.Field("id"),
        new("LAST FAILED", m => Column.Local(m["last_failed"], LocalTime)),
        new("WHERE", m => $"{m["kind"]} {m["channel"]}"),
        Column.Field("service", missing: "-"),
        Column.Field("status", alignRight: true),
        Column.Field("attempts", "TRIES", alignRight: true),
        Column.Field("state"),
        Column.Field("cid"),
        new("ERROR", m => m["exception"] is { } e ? $"{e}: {m["error"]}" : Column.Text(m["error"])),
    ];

    private static readonly Column[] GroupColumns =
    [
        Column.Field("group"),
        Column.Field("service", missing: "-"),
        new("WHERE", g => $"{g["kind"]} {g["channel"]}"),
        Column.Field("count", alignRight: true),
        new("FIRST", g => Column.Local(g["first_failed"], LocalTime)),
        new("LAST", g => Column.Local(g["last_failed"], LocalTime)),
        Column.Field("cause"),
    ];

    public static Command Create()
    {
        var command = new Command("failed", """
            The messages the platform gave up on: AMQP and MQ channels' after their retries, pub/sub deliveries, calls
            nobody waited for (SendAsync, scheduled runs). Each is kept with what it carried and why it failed, grouped by
            service and cause; send them back where they failed with retry, change them first with edit.
            """);
        command.Subcommands.Add(List());
        command.Subcommands.Add(Groups());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Action("retry", "Send failed messages back where they failed (the queue they came from), under their cid; one that fails again comes back to its group.",
            "retried"));
        command.Subcommands.Add(Edit());
        command.Subcommands.Add(Action("archive", "Archive failed messages: out of the failed ones and their groups, deleted after the node's --failed-retention.", "archived"));
        command.Subcommands.Add(Action("delete", "Delete failed messages for good.", "deleted"));
        return command;
    }

    private static Command List()
    {
        var state = new Option<string>("--state") { Description = "failed (the default), retried, archived or all.", DefaultValueFactory = _ => "failed" };
        var service = new Option<string?>("--service") { Description = "Only those for this service." };
        var channel = new Option<string?>("--channel") { Description = "Only those of this channel, subscription or service (as WHERE shows it, without the kind)." };
        var cid = new Option<string?>("--cid") { Description = "Only the one that ran under this cid." };
        var text = new Option<string?>("--text") { Description = "Only those whose body holds this text (case ignored)." };
        var group = new Option<string?>("--group") { Description = "Only those of this group (esb failed groups)." };
        var since = new Option<string?>("--since") { Description = "Only those that last failed at or after this time (2026-12-03T10:00:00Z)." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many to show, last failed first (1–1000).", DefaultValueFactory = _ => 50 };
        var json = AdminCommand.Json();
        return AdminCommand.Create("list", "List failed messages, last failed first, with the filters given; the admin API's JSON with --json.",
            [state, service, channel, cid, text, group, since, limit, json], async (admin, parse, ct) =>
            {
                var filters = new (string Key, string? Value)[]
                {
                    ("state", parse.GetValue(state)), ("service", parse.GetValue(service)), ("channel", parse.GetValue(channel)), ("cid", parse.GetValue(cid)),
                    ("text", parse.GetValue(text)), ("group", parse.GetValue(group)), ("since", parse.GetValue(since)), ("limit", parse.GetValue(limit).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                };
                var path = "admin/failed?" + string.Join('&', filters.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value!)}"));
                var (list, code) = await admin.ReadAsync(path, "failed list", parse.GetValue(json), ct);
                if (list is null) return code;
                var messages = list["messages"]!.AsArray().Select(m => m!).ToList();
                var total = list["total"]!.GetValue<int>();
                if (messages.Count == 0)
                {
                    Console.WriteLine("no failed messages" + (filters.Count(f => !string.IsNullOrEmpty(f.Value)) > 2 ? " match" : ""));
                    return 0;
                }
                Table.Print(ListColumns, messages);
                if (total > messages.Count) Console.WriteLine($"{messages.Count} of {total}; --limit shows more, the filters fewer");
                return 0;
            });
    }

    private static Command Groups()
    {
        var json = AdminCommand.Json();
        return AdminCommand.Create("groups", "List the groups of failed messages: one row per service and cause, with how many, the largest first.", [json],
            (admin, parse, ct) => Table.ListAsync(admin, "admin/failed/groups", "failed groups", parse.GetValue(json), GroupColumns, "no failed messages", ct));
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The message's id, as esb failed list shows it." };
        var json = AdminCommand.Json();
        return AdminCommand.Create("show", "Show one failed message whole: where it came from, why it failed, its headers, its body (JSON indented), what happened to it.",
            [id, json], async (admin, parse, ct) =>
            {
                var path = $"admin/failed/{Uri.EscapeDataString(parse.GetValue(id)!)}";
                var (message, code) = await admin.ReadAsync(path, "failed show", parse.GetValue(json), ct);
                if (message is not null) Print(message);
                return code;
            });
    }

    private static void Print(JsonNode detail)
    {
        var m = detail["message"]!;
        Console.WriteLine($"{m["id"]}  {m["state"]}");
        Console.WriteLine($"  where     {m["kind"]} {m["channel"]}, from {m["queue"]}" + (detail["connection"] is { } c ? $" on {c}" : ""));
        if (m["service"] is { } service) Console.WriteLine($"  service   {service}");
        Console.WriteLine($"  cid       {m["cid"]}" + (m["node"] is { } node ? $", on {node}" : ""));
        Console.WriteLine($"  failed    {Column.Local(m["first_failed"], LocalTime)}" + (m["first_failed"]?.ToString() != m["last_failed"]?.ToString() ? $", last {Column.Local(m["last_failed"], LocalTime)}" : "")
            + (m["attempts"]!.GetValue<int>() is var tries && tries == 1 ? ", 1 try" : $", {tries} tries"));
        Console.WriteLine($"  error     {m["status"]}: {m["error"]}");
        if (m["exception"] is { } exception) Console.WriteLine($"  exception {exception}" + (detail["frame"] is { } frame ? $" {frame}" : ""));
        Console.WriteLine($"  group     {m["group"]} ({detail["cause"]})");
        Console.WriteLine("headers");
        foreach (var (key, value) in detail["headers"]!.AsObject().OrderBy(h => h.Key, StringComparer.Ordinal)) Console.WriteLine($"  {key}: {value}");
        Console.WriteLine($"body ({m["size"]} bytes)");
        Console.WriteLine(Indent(Body(detail["body"], detail["body_base64"])));
        if (detail["edited"] is { } edited)
        {
            Console.WriteLine($"edited by {edited["by"]}, {Column.Local(edited["at"], LocalTime)} (a retry sends this)");
            Console.WriteLine(Indent(Body(edited["body"], edited["body_base64"])));
        }
        Console.WriteLine("history");
        foreach (var e in detail["history"]!.AsArray())
            Console.WriteLine($"  {Column.Local(e!["at"], LocalTime)}  {e["what"],-13} {e["detail"]}" + (e["by"] is { } by ? $" ({by})" : ""));
    }

    private static string Body(JsonNode? text, JsonNode? base64) => Integrations.Admin.FailedBody.Readable(text?.GetValue<string>(), base64?.GetValue<string>());

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));

    private static Command Action(string action, string description, string done)
    {
        var ids = new Argument<string[]>("ids") { Description = "The messages' ids (esb failed list).", Arity = ArgumentArity.ZeroOrMore };
        var group = new Option<string?>("--group") { Description = "Every failed message of this group (esb failed groups)." };
        var all = new Option<bool>("--all") { Description = "Every failed message." };
        var json = AdminCommand.Json();
        var command = AdminCommand.Create(action, description + " Give ids, --group G or --all.", [ids, group, all, json], async (admin, parse, ct) =>
        {
            var given = parse.GetValue(ids) ?? [];
            var chosen = (given.Length > 0 ? 1 : 0) + (parse.GetValue(group) is not null ? 1 : 0) + (parse.GetValue(all) ? 1 : 0);
            if (chosen != 1)
            {
                Console.Error.WriteLine($"esb failed {action}: give the messages' ids, or --group G, or --all (one of them); esb failed list and esb failed groups show them");
                return 2;
            }
            var body = given.Length > 0 ? JsonSerializer.Serialize(new { ids = given })
                : parse.GetValue(group) is { } g ? JsonSerializer.Serialize(new { group = g }) : """{"all":true}""";
            return await Report(admin, $"admin/failed/{action}", body, $"failed {action}", done, parse.GetValue(json), ct);
        });
        return command;
    }

    private static Command Edit()
    {
        var id = new Argument<string>("id") { Description = "The message's id (esb failed list)." };
        var body = new Option<string?>("--body") { Description = "The new body, as text (JSON as it is)." };
        var bodyFile = new Option<string?>("--body-file") { Description = "The new body, from a file (- for stdin)." };
        var headers = new Option<string[]>("--header", "-H") { Description = "A header to set, name=value; name= removes it. Again for more.", AllowMultipleArgumentsPerToken = false };
        var keep = new Option<bool>("--no-retry") { Description = "Only keep the change; send it later with esb failed retry." };
        var json = AdminCommand.Json();
        return AdminCommand.Create("edit", "Change a failed message's body or headers, then send it back where it failed (the original is kept beside the edit).",
            [id, body, bodyFile, headers, keep, json], async (admin, parse, ct) =>
            {
                var request = new JsonObject();
                if (parse.GetValue(body) is { } text && parse.GetValue(bodyFile) is not null)
                {
                    Console.Error.WriteLine("esb failed edit: give --body or --body-file, not both");
                    return 2;
                }
                if (parse.GetValue(body) is { } given) request["body"] = given;
                if (parse.GetValue(bodyFile) is { } file)
                {
                    if (file != "-" && !File.Exists(file))
                    {
                        Console.Error.WriteLine($"esb failed edit: --body-file: no file {file}");
                        return 2;
                    }
                    request["body"] = file == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(file, ct);
                }
                var changes = new JsonObject();
                foreach (var header in parse.GetValue(headers) ?? [])
                {
                    var equals = header.IndexOf('=');
                    if (equals <= 0)
                    {
                        Console.Error.WriteLine($"esb failed edit: --header '{header}' is not name=value (name= removes it)");
                        return 2;
                    }
                    changes[header[..equals]] = equals == header.Length - 1 ? null : header[(equals + 1)..];
                }
                if (changes.Count > 0) request["headers"] = changes;
                if (request.Count == 0)
                {
                    Console.Error.WriteLine("esb failed edit: nothing to change; give --body, --body-file or --header name=value");
                    return 2;
                }
                if (parse.GetValue(keep)) request["retry"] = false;
                var path = $"admin/failed/{Uri.EscapeDataString(parse.GetValue(id)!)}/edit";
                if (parse.GetValue(keep))
                    return await admin.ConfirmAsync(HttpMethod.Post, path, request.ToJsonString(), "failed edit", parse.GetValue(json),
                        _ => $"edited {parse.GetValue(id)}; esb failed retry {parse.GetValue(id)} sends it", ct);
                return await Report(admin, path, request.ToJsonString(), "failed edit", "edited and retried", parse.GetValue(json), ct);
            });
    }

    // What an action did, in one line, then each message it could not act on, with why; exit 1 if there was any.
    private static async Task<int> Report(AdminSession admin, string path, string body, string command, string done, bool json, CancellationToken ct)
    {
        var answer = await admin.SendAsync(HttpMethod.Post, path, body, command, ct);
        if (answer is not { } a) return 1;
        if ((int)a.Status >= 400) return admin.Failed(command, a.Status, a.Body, a.Cid);
        if (json)
        {
            AdminSession.PrintPretty(a.Body);
            return 0;
        }
        var outcome = JsonNode.Parse(a.Body)!;
        var count = outcome["done"]!.AsArray().Count;
        var refused = outcome["refused"]!.AsObject();
        Console.WriteLine($"{done} {count} message{(count == 1 ? "" : "s")}" + (refused.Count > 0 ? $"; {refused.Count} not:" : ""));
        foreach (var (id, why) in refused) Console.WriteLine($"  {id}: {why}");
        return refused.Count > 0 ? 1 : 0;
    }
}
