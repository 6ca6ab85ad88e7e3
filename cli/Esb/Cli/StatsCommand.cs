using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

/// <summary><c>esb stats</c>: calls, errors and durations of every service and channel, cluster-wide, over the last 5 minutes or hour.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var window = new Option<string>("--window", "-w")
        {
            Description = "The window: 5m (the last five minutes) or 1h (the last hour).",
            DefaultValueFactory = _ => "5m",
        };
        window.AcceptOnlyFromAmong("5m", "1h");
        var json = AdminCommand.Json();
        return AdminCommand.Create("stats", """
            Show each service's runs and each channel's calls over the window, on every node of the cluster together:
            calls and errors (status 500 or above), a second and in all, and the 50th, 95th and 99th percentile of
            their durations in milliseconds (within about 10 %). Each node counts its own and answers over the bus.
            The admin API's JSON, with the figures step by step, with --json.
            Examples:
              esb stats
              esb stats --window 1h
            """, [window, json], async (admin, parse, ct) =>
        {
            var path = "admin/stats?window=" + Uri.EscapeDataString(parse.GetValue(window)!);
            var (stats, code) = await admin.ReadAsync(path, "stats", parse.GetValue(json), ct);
            if (stats is null) return code;
            var nodes = stats["nodes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var missing = stats["missing"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var series = stats["series"]!.AsArray().Select(s => s!).ToList();
            var over = parse.GetValue(window) == "1h" ? "the last hour" : "the last 5 minutes";
            Console.WriteLine($"{over} on {nodes.Count} node{(nodes.Count == 1 ? "" : "s")} ({string.Join(", ", nodes)})");
            if (missing.Count > 0)
                Console.Error.WriteLine($"esb stats: {string.Join(", ", missing)} did not answer in time; {(missing.Count == 1 ? "its" : "their")} figures are not in");
            if (series.Count == 0)
            {
                Console.WriteLine("no service ran and no channel was called in the window");
                return 0;
            }
            static string Number(JsonNode? value, string format) =>
                value is null ? "-" : value.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);
            Table.Print(
            [
                Column.Field("kind"),
                new("NAME", s => Column.Text(s["name"]) + (s["type"] is { } type ? $" ({Column.Text(type)})" : "")),
                Column.Field("calls", alignRight: true),
                new("CALLS/S", s => Number(s["calls_per_second"], "0.###"), AlignRight: true),
                Column.Field("errors", alignRight: true),
                new("ERRORS/S", s => Number(s["errors_per_second"], "0.###"), AlignRight: true),
                new("P50 MS", s => Number(s["p50_ms"], "0.###"), AlignRight: true),
                new("P95 MS", s => Number(s["p95_ms"], "0.###"), AlignRight: true),
                new("P99 MS", s => Number(s["p99_ms"], "0.###"), AlignRight: true),
            ], series);
            return 0;
        });
    }
}
