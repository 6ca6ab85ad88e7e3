using System.CommandLine;

namespace Integrations.Esb.Cli;

/// <summary><c>esb nodes</c>: the nodes of the cluster, as their heartbeats over the bus say.</summary>
internal static class NodesCommand
{
    private static readonly Column[] Columns =
    [
        new("NAME", n => Column.Text(n["name"]) + (n["self"]?.GetValue<bool>() == true ? "*" : "")),
        Column.Field("state"),
        Column.Field("roles"),
        Column.Field("version"),
        new("STARTED", n => Column.Local(n["started"])),
        new("LAST HEARD", n => Column.Local(n["last_heartbeat"])),
        new("SERVICES", n => n["services"]!.AsArray().Count.ToString(System.Globalization.CultureInfo.InvariantCulture), AlignRight: true),
        Column.Field("calls", alignRight: true),
        new("CALLS/S", n => $"{n["calls_per_second"]!.GetValue<double>():0.##}", AlignRight: true),
    ];

    public static Command Create()
    {
        var json = AdminCommand.Json();
        return AdminCommand.Create("nodes", """
            List the cluster's nodes, as they announce themselves over the bus every few seconds: state (up; gone when
            silent for three heartbeats; stopped), roles, version, start, last heartbeat, services, calls and calls a
            second. * marks the node that answered. The admin API's JSON with --json.
            """, [json], async (admin, parse, ct) =>
            {
                var code = await Table.ListAsync(admin, "admin/nodes", "nodes", parse.GetValue(json), Columns, "no nodes heard yet", ct);
                if (code == 0 && !parse.GetValue(json)) Console.WriteLine("* the node that answered");
                return code;
            });
    }
}
