using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// <c>esb serve</c> started before its broker or its database (as compose or Kubernetes start them side by side): it
/// waits, says what for, tries again with back-off, and comes up by itself when they answer.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Starting_while_the_servers_are_away(Servers servers)
{
    [Fact]
    public async Task A_node_started_while_its_broker_is_down_waits_and_comes_up_when_the_broker_does()
    {
        await using var broker = await PrivateBroker.StartAsync();
        await broker.StopAsync();
        var (folder, environment, channels) = Node("broker-later");
        environment["ESB_RABBITMQ"] = broker.Address;
        await using var node = EsbProcess.Start(folder, environment, "serve");

        await LogLines.WaitForAsync(Path.Combine(folder, "logs", "server.log"),
            l => l.Contains($"Waiting for RabbitMQ at amqp://***@127.0.0.1:{broker.Port}/ (connection refused); trying again in"), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(node.HasExited, $"the node gave up: {node.Error}");

        await broker.StartAgainAsync();
        await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(30));
        await LogLines.WaitForAsync(Path.Combine(folder, "logs", "server.log"), l => l.Contains($"RabbitMQ at amqp://***@127.0.0.1:{broker.Port}/ answers, after"), TimeSpan.FromSeconds(10));
        var invoked = await EsbProcess.RunAsync(folder, new Dictionary<string, string> { ["ESB_ADMIN_URL"] = environment["ESB_ADMIN_URL"], ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword }, "invoke", "demo.hello", "name=Mike");
        Assert.True(invoked.Code == 0, invoked.Err);
    }

    [Fact]
    public async Task A_node_started_while_its_database_is_down_waits_and_comes_up_when_the_database_does()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await postgres.StopAsync();
        var (folder, environment, channels) = Node("database-later");
        environment["ESB_POSTGRES"] = postgres.ConnectionString;
        await using var node = EsbProcess.Start(folder, environment, "serve");

        await LogLines.WaitForAsync(Path.Combine(folder, "logs", "server.log"),
            l => l.Contains($"Waiting for PostgreSQL at 127.0.0.1:{postgres.Port}/postgres (connection refused); trying again in"), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(node.HasExited, $"the node gave up: {node.Error}");

        await postgres.StartAgainAsync();
        await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(30));
        Assert.Contains("is up", node.Output);
    }

    [Fact]
    public async Task A_node_whose_broker_refuses_its_password_does_not_wait_and_says_what_to_change()
    {
        var (folder, environment, _) = Node("broker-refuses");
        environment["ESB_RABBITMQ"] = new UriBuilder(servers.RabbitMq) { UserName = "nobody", Password = "wrong" }.Uri.ToString();
        await using var node = EsbProcess.Start(folder, environment, "serve");
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, node.ExitCode);
        Assert.Contains("refused this node: the user name or password is wrong. Check --rabbitmq (env ESB_RABBITMQ).", node.Error);
        Assert.DoesNotContain("wrong@", node.Error);
    }

    private (string Folder, Dictionary<string, string> Environment, string Channels) Node(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
        var channels = $"http://127.0.0.1:{Ports.Free()}";
        return (folder, new Dictionary<string, string>
        {
            ["ESB_RABBITMQ"] = servers.RabbitMq,
            ["ESB_POSTGRES"] = servers.Postgres,
            ["ESB_SCHEMA"] = servers.NewSchema(),
            ["ESB_CHANNELS_URL"] = channels,
            ["ESB_ADMIN_URL"] = $"http://127.0.0.1:{Ports.Free()}",
            ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword,
            ["ESB_SECRET_KEY"] = servers.SecretKey,
        }, channels);
    }
}
