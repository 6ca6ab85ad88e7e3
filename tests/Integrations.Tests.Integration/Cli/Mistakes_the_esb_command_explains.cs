using System.CommandLine;
using System.CommandLine.Invocation;
using Integrations.Esb.Cli;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Cli;

/// <summary>What esb says when a person mistypes a command or talks to the wrong cluster: short, plain, and what to do.</summary>
[Collection(ServersCollection.Name)]
public sealed class Mistakes_the_esb_command_explains(Servers servers)
{
    [Theory]
    [InlineData("servics", "esb: unknown command 'servics'. Did you mean 'services'?")]
    [InlineData("security lst", "esb security: unknown command 'lst'. Did you mean 'list'?")]
    [InlineData("dep", "esb: unknown command 'dep'. Did you mean 'deploy' or 'deployments'?")]
    [InlineData("outgoing_rest list --jsn", "esb outgoing_rest list: unknown option '--jsn'. Did you mean '--json'?")]
    [InlineData("outgoing-rest list", "esb: unknown command 'outgoing-rest'. Did you mean 'outgoing_rest'?")]
    [InlineData("xyzzy", "esb: unknown command 'xyzzy'. 'esb --help' lists the commands.")]
    [InlineData("security show", "esb security show: <name> missing. Usage: esb security show <name> [options]")]
    [InlineData("rollback cli.greet two", "esb rollback: <version>: 'two' is not a whole number.")]
    public async Task A_command_line_esb_cannot_run_gets_one_plain_line_and_exit_code_2(string args, string said)
    {
        var run = await new EsbCli().RunAsync(args.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal([said], run.ErrLines);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Every_command_keeps_its_help()
    {
        var root = EsbCommand.Create();
        var paths = new List<string[]>();
        void Walk(Command command, string[] path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands) Walk(sub, [.. path, sub.Name]);
        }
        Walk(root, []);

        Assert.True(paths.Count > 50, $"only {paths.Count} commands found");
        foreach (var path in paths)
        {
            var output = new StringWriter();
            var parse = EsbCommand.Parse(root, [.. path, "--help"]);
            Assert.False(parse.Action is ParseErrorAction, $"esb {string.Join(' ', path)} --help: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            Assert.Equal(0, parse.Invoke(new InvocationConfiguration { Output = output }));
            // In this process the root is named after the test host; run as esb.dll it is esb.
            Assert.Contains("Usage:\n  " + string.Join(' ', path.Prepend(root.Name)), output.ToString().Replace("\r\n", "\n"));
        }
    }

    [Fact]
    public async Task Help_wins_over_a_missing_argument()
    {
        var run = await new EsbCli().RunAsync("security", "show", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("esb security show <name> [options]", run.Out);
    }

    [Fact]
    public async Task A_refused_password_says_where_it_came_from_and_what_to_do()
    {
        await using var node = await TestNode.StartAsync(servers, "cli", isolated: true);
        var url = node.Options.AdminUrl;

        var fromVariable = await (EsbCli.For(node) with { AdminPassword = "not-the-password" }).RunAsync("services");

        Assert.Equal(1, fromVariable.ExitCode);
        Assert.Equal(2, fromVariable.ErrLines.Length);
        Assert.Equal($"esb services: the admin API at {url} refused the password from ESB_ADMIN_PASSWORD.", fromVariable.ErrLines[0]);
        Assert.Contains("Set ESB_ADMIN_PASSWORD to that cluster's admin password", fromVariable.ErrLines[1]);

        var folder = new EsbCli().WorkingDirectory;
        Directory.CreateDirectory(Path.Combine(folder, ".esb"));
        await File.WriteAllTextAsync(Path.Combine(folder, ".esb", "admin-password"), "another-clusters-password\n");
        var fromFile = await new EsbCli { AdminUrl = url, WorkingDirectory = folder }.RunAsync("security", "list");

        Assert.Equal(1, fromFile.ExitCode);
        Assert.Equal(2, fromFile.ErrLines.Length);
        Assert.Equal($"esb security list: the admin API at {url} refused the password from {Path.Combine(".esb", "admin-password")}.", fromFile.ErrLines[0]);
        Assert.Contains("another --schema or another checkout", fromFile.ErrLines[1]);
        Assert.Contains("point --data-dir at its data folder", fromFile.ErrLines[1]);

        // The same file with this cluster's password is let in: the file is what was read.
        await File.WriteAllTextAsync(Path.Combine(folder, ".esb", "admin-password"), TestNode.AdminPassword + "\n");
        var admitted = await new EsbCli { AdminUrl = url, WorkingDirectory = folder }.RunAsync("security", "list");
        Assert.True(admitted.ExitCode == 0, admitted.ToString());
        Assert.Equal(["no security definitions yet"], admitted.OutLines);
    }
}
