using System.CommandLine;
using Integrations.Esb.Cli;

var root = new RootCommand("esb — Integrations, an enterprise service bus for .NET. `esb serve` runs a node; the other commands talk to one.")
{
    ServeCommand.Create(),
    InvokeCommand.Create(),
    DeployCommand.Create(),
    VersionCommand.Create(),
    ApiTestCommand.Create(),
};
foreach (var command in DeployCommand.Others()) root.Subcommands.Add(command);
foreach (var command in ConfigCommands.Create()) root.Subcommands.Add(command);
foreach (var command in EnvironmentCommands.Create()) root.Subcommands.Add(command);
// "@smoke" is a tag and "@config" a value here, never a response file.
return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync();
