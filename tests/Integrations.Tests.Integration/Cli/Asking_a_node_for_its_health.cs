using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Cli;

/// <summary><c>esb health</c>, as a container's health check runs it: the node's readiness as an exit code.</summary>
[Collection(ServersCollection.Name)]
public sealed class Asking_a_node_for_its_health(Servers servers)
{
    [Fact]
    public async Task A_ready_node_exits_0_one_that_does_not_answer_1_and_the_node_is_found_from_the_settings_esb_serve_reads()
    {
        await using var node = await TestNode.StartAsync(servers, "health-cli");
        var cli = new EsbCli();

        var ready = await cli.RunAsync("health", "--url", node.Options.ChannelsUrl);
        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.StartsWith($"200 {node.Options.ChannelsUrl.TrimEnd('/')}/health/ready: {{", ready.OutLines[0]);

        var alive = await cli.RunAsync("health", "--live", "--url", node.Options.AdminUrl);
        Assert.True(alive.ExitCode == 0, alive.ToString());
        Assert.Contains("/health/live", alive.Out);

        // Nothing listening: 1, and why.
        var port = Ports.Free();
        var away = await cli.RunAsync("health", "--url", $"http://127.0.0.1:{port}", "--timeout", "2");
        Assert.True(away.ExitCode == 1, away.ToString());
        Assert.Contains("no answer", away.Out);

        // Without --url: the node esb serve would run from this folder's appsettings.json, on the port its roles serve.
        File.WriteAllText(Path.Combine(cli.WorkingDirectory, "appsettings.json"),
            $$$"""{"Esb": {"Roles": "worker,dashboard", "AdminUrl": "{{{node.Options.AdminUrl}}}"}}""");
        var fromSettings = await cli.RunAsync("health");
        Assert.True(fromSettings.ExitCode == 0, fromSettings.ToString());
        Assert.Contains($"{node.Options.AdminUrl.TrimEnd('/')}/health/ready", fromSettings.Out);

        // A worker alone serves no HTTP: nothing to ask, which is not a failure.
        File.WriteAllText(Path.Combine(cli.WorkingDirectory, "appsettings.json"), """{"Esb": {"Roles": "worker"}}""");
        var worker = await cli.RunAsync("health");
        Assert.True(worker.ExitCode == 0, worker.ToString());
        Assert.Contains("serves no HTTP", worker.Out);

        // A setting that is wrong is said, as esb serve says it.
        File.WriteAllText(Path.Combine(cli.WorkingDirectory, "appsettings.json"), """{"Esb": {"Roles": "edgy"}}""");
        var wrong = await cli.RunAsync("health");
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("unknown role 'edgy'", wrong.Err);
    }
}
