using System.CommandLine;

namespace Integrations.Esb.Cli;

/// <summary><c>esb services</c>: the services the cluster runs, where each came from, what it needs and how long a caller waits.</summary>
internal static class ServicesCommand
{
    private static readonly Column[] Columns =
    [
        Column.Field("name"),
        Column.Field("origin"),
        Column.Field("required_input", missing: "none"),
        new("TIMEOUT", s => $"{s["timeout_seconds"]!.GetValue<double>():0.###} s", AlignRight: true),
        Column.Field("invocations", "RUNS", alignRight: true),
        new("MEAN", s => s["invocations"]!.GetValue<long>() > 0 ? $"{s["mean_ms"]!.GetValue<double>():0.0} ms" : "", AlignRight: true),
    ];

    private const string ListDescription = """
        List every service: its name, origin (built-in, or deployed vN), the input it requires, how long a caller
        waits, and its runs and mean time on this node since it started; the admin API's JSON with --json.
        """;

    public static Command Create()
    {
        var json = AdminCommand.Json();
        var command = AdminCommand.Create("services", ListDescription, [json], (admin, parse, ct) => List(admin, parse.GetValue(json), ct));

        var listJson = AdminCommand.Json();
        command.Subcommands.Add(AdminCommand.Create("list", ListDescription, [listJson], (admin, parse, ct) => List(admin, parse.GetValue(listJson), ct)));

        var name = new Argument<string>("name") { Description = "The service's name, e.g. demo.hello." };
        command.Subcommands.Add(AdminCommand.Create("show", "Show one service, by name: origin, class, required input, timeout, runs on this node.", [name],
            (admin, parse, ct) => admin.PrintAsync(HttpMethod.Get, $"admin/services/{Uri.EscapeDataString(parse.GetValue(name)!)}", null, "services show", ct)));
        return command;
    }

    private static Task<int> List(AdminSession admin, bool json, CancellationToken ct) =>
        Table.ListAsync(admin, "admin/services", "services", json, Columns, "no services", ct, orderBy: "name");
}
