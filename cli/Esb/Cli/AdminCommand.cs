using System.CommandLine;

namespace Integrations.Esb.Cli;

/// <summary>A command that talks to a node's admin API: its arguments and options, the common ones, and a client made from them.</summary>
internal static class AdminCommand
{
    public static Command Create(string name, string description, Symbol[] symbols, Func<AdminSession, ParseResult, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else if (symbol is Option option) command.Options.Add(option);
        }
        var admin = new AdminOptions();
        admin.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = admin.Client(parse, Path(parse.CommandResult));
            return client is null ? 2 : await run(client, parse, ct);
        });
        return command;
    }

    /// <summary>The option that asks for the admin API's answer as it is, for scripts, instead of a table.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print the admin API's JSON answer instead of a table." };

    /// <summary>The words that name a command after <c>esb</c>: "security list"; empty for esb itself.</summary>
    public static string Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent) names.Insert(0, current.Command.Name);
        return string.Join(' ', names);
    }
}
