using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Cli;

[Collection(ServersCollection.Name)]
public sealed class Reading_logs_with_the_esb_command(Servers servers)
{
    [Fact]
    public async Task Logs_under_a_cid_show_what_the_service_logged_and_an_unknown_cid_says_nothing_was_logged()
    {
        await using var node = await TestNode.StartAsync(servers, "cli", isolated: true);
        var invoked = await node.InvokeAsync("demo.hello", "name=Ann");
        invoked.EnsureSuccessStatusCode();
        var cid = invoked.Headers.GetValues("X-Esb-Cid").Single();
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("cid=" + cid, StringComparison.Ordinal) && l.Contains("Greeting Ann", StringComparison.Ordinal));
        var cli = EsbCli.For(node);

        var logs = await cli.RunAsync("logs", "--cid", cid);

        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.All(logs.OutLines, line => Assert.Contains("cid=" + cid, line));
        Assert.Contains(logs.OutLines, line => line.Contains("[demo.hello]", StringComparison.Ordinal) && line.Contains("Greeting Ann", StringComparison.Ordinal));

        var last = await cli.RunAsync("logs", "--last", "2");
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Equal(2, last.OutLines.Length);

        var unknown = await cli.RunAsync("logs", "--cid", "no-such-cid");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("", unknown.Out);
        Assert.Equal([$"esb logs: nothing was logged under cid no-such-cid on the node at {node.Options.AdminUrl} (cli)."], unknown.ErrLines);
    }
}
