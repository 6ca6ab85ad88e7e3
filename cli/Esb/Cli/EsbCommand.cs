using System.CommandLine;
using System.CommandLine.Invocation;

namespace Integrations.Esb.Cli;

/// <summary>The esb command: every command under it, and how a command line is parsed and run.</summary>
internal static class EsbCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("esb — Integrations, an enterprise service bus for .NET. `esb serve` runs a node; the other commands talk to one.")
        {
            ServeCommand.Create(),
            InvokeCommand.Create(),
            ServicesCommand.Create(),
            FailedCommand.Create(),
            NodesCommand.Create(),
            TraceCommand.Create(),
            StatsCommand.Create(),
            LogsCommand.Create(),
            DeployCommand.Create(),
            VersionCommand.Create(),
            HealthCommand.Create(),
            CompletionCommand.Create(),
            ApiTestCommand.Create(),
        };
        foreach (var command in DeployCommand.Others()) root.Subcommands.Add(command);
        foreach (var command in ConfigCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in EnvironmentCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    // "@smoke" is a tag and "@config" a value here, never a response file.
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args) =>
        root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Parse(Create(), args);
        // --help wins over errors (its action is not the error action), so "esb security show --help" shows the help.
        return parse.Action is ParseErrorAction ? UsageErrors.Report(parse) : await parse.InvokeAsync();
    }
}
