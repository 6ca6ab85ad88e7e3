using System.CommandLine;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

/// <summary><c>esb logs</c>: what a node wrote to its log file, under one cid or the last lines.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var cid = new Option<string?>("--cid") { Description = "Only the lines under this correlation id (X-Esb-Cid, or the cid in an error)." };
        var last = new Option<int?>("--last", "-n") { Description = "Only the last N lines (1–2000); without --cid, 200 unless given." };
        return AdminCommand.Create("logs", """
            Print what the node at --url wrote to its log file: the lines under one cid, or the last lines. Each node keeps
            its own log; a call is logged on the node that took it and on the one that ran its service.
            Examples:
              esb logs --cid 8f2b0c51d3e4a9b7c6d5
              esb logs --last 50
            """, [cid, last], async (admin, parse, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(cid) is { } c) query.Add("cid=" + Uri.EscapeDataString(c));
            if (parse.GetValue(last) is { } n) query.Add($"last={n}");
            var answer = await admin.SendAsync(HttpMethod.Get, "admin/logs" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), null, "logs", ct);
            if (answer is not { } a) return 1;
            if ((int)a.Status >= 400) return admin.Failed("logs", a.Status, a.Body, a.Cid);
            var logs = JsonNode.Parse(a.Body)!;
            var lines = logs["lines"]!.AsArray();
            if (lines.Count == 0)
            {
                var node = logs["node"] is { } name ? $" ({name})" : "";
                if (parse.GetValue(cid) is { } unknown)
                {
                    Console.Error.WriteLine($"esb logs: nothing was logged under cid {unknown} on the node at {admin.Url}{node}.");
                    return 1;
                }
                Console.Error.WriteLine($"esb logs: the node at {admin.Url}{node} has logged nothing yet.");
                return 0;
            }
            foreach (var line in lines) Console.WriteLine(line!.GetValue<string>());
            return 0;
        });
    }
}
