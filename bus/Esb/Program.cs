using System.CommandLine;
using System.CommandLine.Invocation;
using Integrations.Esb.Cli;

var root = new RootCommand("esb — Integrations, an enterprise service bus for .NET. `esb serve` runs a node; the other commands talk to one.")
{
    ServeCommand.Create(),
    InvokeCommand.Create(),
    ServicesCommand.Create(),
    LogsCommand.Create(),
    DeployCommand.Create(),
    VersionCommand.Create(),
    ApiTestCommand.Create(),
};
foreach (var command in DeployCommand.Others()) root.Subcommands.Add(command);
foreach (var command in ConfigCommands.Create()) root.Subcommands.Add(command);
foreach (var command in EnvironmentCommands.Create()) root.Subcommands.Add(command);
// "@smoke" is a tag and "@config" a value here, never a response file.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
// --help wins over errors (its action is not the error action), so "esb security show --help" still shows the help.
return parse.Action is ParseErrorAction ? UsageErrors.Report(parse) : await parse.InvokeAsync();
