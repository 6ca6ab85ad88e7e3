using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

/// <summary><c>esb trace CID</c>: every hop of one call on every node, as a waterfall in time.</summary>
internal static class TraceCommand
{
    // The width of the waterfall's bars, in characters.
    private const int Bar = 24;

    public static Command Create()
    {
        var cid = new Argument<string>("cid") { Description = "The correlation id: X-Esb-Cid, the cid in an error, a job run's or a failed message's." };
        var json = AdminCommand.Json();
        return AdminCommand.Create("trace", """
            Show every hop of one call on every node of the cluster, the earliest first: the channel that took it, the
            backbone carrying it, each service run (node, version, time, status), each outgoing call, publishes and
            deliveries, scheduler firings, failures and retries. Each node keeps its last hops (--trace-hops) and
            answers over the bus. AT is when a hop started after the first; the bars show where it ran in the call.
            Examples:
              esb trace 8f2b0c51d3e4a9b7c6d5
              esb trace 8f2b0c51d3e4a9b7c6d5 --json
            """, [cid, json], async (admin, parse, ct) =>
        {
            var asked = parse.GetValue(cid)!;
            var path = "admin/trace/" + Uri.EscapeDataString(asked);
            var (trace, code) = await admin.ReadAsync(path, "trace", parse.GetValue(json), ct);
            if (trace is null) return code;
            var hops = trace["hops"]!.AsArray().Select(h => h!).ToList();
            var nodes = trace["nodes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var missing = trace["missing"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            if (missing.Count > 0)
                Console.Error.WriteLine($"esb trace: {string.Join(", ", missing)} did not answer in time; {(missing.Count == 1 ? "its" : "their")} hops are not shown");
            if (hops.Count == 0)
            {
                Console.Error.WriteLine($"esb trace: no node of the cluster ({string.Join(", ", nodes)}) keeps a hop under cid {asked}: a mistyped cid, "
                    + "or one older than the hops the nodes keep (esb logs --cid looks in a node's log file)");
                return 1;
            }
            Print(asked, hops);
            return 0;
        });
    }

    private static void Print(string cid, List<JsonNode> hops)
    {
        static DateTimeOffset Start(JsonNode hop) => DateTimeOffset.Parse(hop["started"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        static double Ms(JsonNode hop) => hop["milliseconds"]!.GetValue<double>();
        var first = hops.Min(Start);
        var last = hops.Max(h => Start(h).AddTicks((long)(Ms(h) * TimeSpan.TicksPerMillisecond)));
        var span = Math.Max((last - first).TotalMilliseconds, 0.001);
        var shownNodes = hops.Select(h => h["node"]!.GetValue<string>()).Distinct().Count();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cid {cid}: {hops.Count} hop{(hops.Count == 1 ? "" : "s")} on {shownNodes} node{(shownNodes == 1 ? "" : "s")} over {span:0.###} ms, from {first.ToLocalTime():yyyy-MM-dd HH:mm:ss.fff}"));
        var rows = hops.Select(h =>
        {
            var offset = (Start(h) - first).TotalMilliseconds;
            var from = (int)Math.Round(offset / span * Bar);
            var width = Math.Max(1, (int)Math.Round(Ms(h) / span * Bar));
            from = Math.Min(from, Bar - 1);
            width = Math.Min(width, Bar - from);
            var step = h["step"]!.GetValue<string>();
            var type = h["type"]!.GetValue<string>();
            var what = step switch
            {
                "channel" when type == "admin" => $"admin API {Column.Text(h["name"])}",
                "channel" => $"{type} channel {Column.Text(h["name"])}",
                "outgoing" => $"{type} out {Column.Text(h["name"])}",
                "run" or "call" or "send" => Column.Text(h["name"]),
                _ => $"{type} {Column.Text(h["name"])}",
            };
            return (JsonNode)new JsonObject
            {
                ["at"] = string.Create(CultureInfo.InvariantCulture, $"+{offset:0.000}"),
                ["ms"] = string.Create(CultureInfo.InvariantCulture, $"{Ms(h):0.000}"),
                ["node"] = h["node"]!.GetValue<string>(),
                ["step"] = step,
                ["what"] = what + (h["detail"] is { } detail ? $" ({Column.Text(detail)})" : ""),
                ["status"] = h["status"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture),
                ["bar"] = new string(' ', from) + new string('#', width) + new string(' ', Bar - from - width),
                ["error"] = h["error"]?.GetValue<string>(),
            };
        }).ToList();
        Table.Print(
        [
            new("AT MS", r => Column.Text(r["at"]), AlignRight: true),
            new("TIME MS", r => Column.Text(r["ms"]), AlignRight: true),
            Column.Field("node"), Column.Field("step"), Column.Field("what", "HOP"), Column.Field("status", alignRight: true),
            new("WATERFALL", r => "|" + Column.Text(r["bar"]) + "|"),
        ], rows);
        // An error is said once, by the innermost hop that had it (a service's refusal is the channel's answer too).
        foreach (var failed in rows.Where(r => r["error"] is not null).Reverse().DistinctBy(r => Column.Text(r["error"])).Reverse())
            Console.WriteLine($"error: {Column.Text(failed["step"])} {Column.Text(failed["what"])} on {Column.Text(failed["node"])}: {Column.Text(failed["error"])}");
    }
}
