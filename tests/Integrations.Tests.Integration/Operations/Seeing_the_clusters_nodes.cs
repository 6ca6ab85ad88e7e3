using System.Text.Json;
using Integrations.Messages;
using Integrations.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Operations;

[Collection(ServersCollection.Name)]
public sealed class Seeing_the_clusters_nodes(Servers servers)
{
    [Fact]
    public async Task Every_node_sees_the_others_with_their_roles_services_and_calls_and_one_that_stops_as_stopped()
    {
        var schema = servers.NewSchema();
        void Options(Integrations.Bus.Node.NodeOptions o)
        {
            o.Schema = schema;
            o.HeartbeatInterval = TimeSpan.FromSeconds(1);
        }
        await using var first = await TestNode.StartAsync(servers, "nodes-first", Options);
        var second = await TestNode.StartAsync(servers, "nodes-second", o =>
        {
            Options(o);
            o.Roles = Integrations.Bus.Node.NodeRoles.Edge | Integrations.Bus.Node.NodeRoles.Worker | Integrations.Bus.Node.NodeRoles.Dashboard;
        });
        await using (second)
        {
            // Run on the second node itself: through the bus, any node of the test run that has the service may take a call.
            var runtime = second.Get<Integrations.Bus.Services.ServiceRuntime>();
            for (var i = 0; i < 5; i++)
                Assert.Equal(200, (await runtime.RunHereAsync(new InvokeService { Service = "demo.hello", Cid = $"nodes{i}", Input = InvokeService.Json("{}") }, default)).Status);
            IReadOnlyList<Integrations.Admin.NodeInfo> nodes = [];
            await Until(async () => (nodes = await first.Api.NodesAsync()).Count == 2 && nodes.All(n => n.State == "up")
                && nodes.Single(n => n.Name == "nodes-second").Calls >= 5, TimeSpan.FromSeconds(10));
            var self = nodes[0];
            Assert.Equal(("nodes-first", true, "all"), (self.Name, self.Self, self.Roles));
            var other = nodes[1];
            Assert.Equal(("nodes-second", false, "edge, worker, dashboard"), (other.Name, other.Self, other.Roles));
            Assert.Contains("demo.hello", other.Services);
            Assert.False(string.IsNullOrEmpty(other.Version));
            Assert.True(DateTimeOffset.UtcNow - other.LastHeartbeat < TimeSpan.FromSeconds(3));

            var cli = await EsbCli.For(first).RunAsync("nodes");
            Assert.Equal(0, cli.ExitCode);
            Assert.Matches("^NAME +STATE +ROLES +VERSION +STARTED +LAST HEARD +SERVICES +CALLS +CALLS/S$", cli.OutLines[0]);
            Assert.StartsWith("nodes-first* ", cli.OutLines[1]);
            Assert.StartsWith("nodes-second ", cli.OutLines[2]);
        }
        // Stopped: said as it stopped, seen at once rather than after three silent heartbeats.
        await Until(async () => (await first.Api.NodesAsync()).Single(n => n.Name == "nodes-second").State == "stopped", TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task The_nodes_screen_shows_the_cluster_and_follows_it()
    {
        var schema = servers.NewSchema();
        await using var node = await TestNode.StartAsync(servers, "nodes-screen", o => { o.Schema = schema; o.HeartbeatInterval = TimeSpan.FromSeconds(1); });
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await Dashboard.Using_the_dashboard.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 600 } });
        await Dashboard.Using_the_dashboard.LogInAsync(page, node);
        await page.GotoAsync(node.Options.AdminUrl + "/nodes");
        await page.Locator(".node-name", new() { HasTextString = "nodes-screen (this one)" }).WaitForAsync();
        Assert.Equal("up", (await page.Locator(".node-state").First.InnerTextAsync()).Trim());

        // Another node joins: the screen shows it without a reload.
        await using var other = await TestNode.StartAsync(servers, "nodes-screen-other", o => { o.Schema = schema; o.HeartbeatInterval = TimeSpan.FromSeconds(1); });
        await page.Locator(".node-name", new() { HasTextString = "nodes-screen-other" }).WaitForAsync(new() { Timeout = 10_000 });
        await Dashboard.Using_the_dashboard.Screenshot(page, "42-nodes");
    }

    [Fact]
    public async Task A_node_that_stops_heartbeating_is_shown_as_gone_within_three_heartbeats_and_other_clusters_are_not_shown()
    {
        await using var node = await TestNode.StartAsync(servers, "nodes-watcher", o => o.HeartbeatInterval = TimeSpan.FromSeconds(1), isolated: true);
        await using var connection = await new ConnectionFactory { Uri = new Uri(servers.RabbitMq) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        async Task BeatAsync(string name, string schema) => await channel.BasicPublishAsync("esb.events", "", false,
            new BasicProperties { Type = nameof(NodeHeartbeat), AppId = name, ContentType = "application/json" },
            JsonSerializer.SerializeToUtf8Bytes(new NodeHeartbeat
            {
                Node = name, Schema = schema, Roles = "worker", Version = "1.0.0", Started = DateTimeOffset.UtcNow.AddMinutes(-1), At = DateTimeOffset.UtcNow,
                Services = ["demo.hello"], Calls = 10, IntervalSeconds = 1,
            }));

        // A node that sends one heartbeat, then nothing (killed, cut off).
        await BeatAsync("nodes-killed", node.Options.Schema);
        await BeatAsync("nodes-of-another-cluster", "another_schema");
        await Until(async () => (await node.Api.NodesAsync()).Any(n => n.Name == "nodes-killed" && n.State == "up"), TimeSpan.FromSeconds(5));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Until(async () => (await node.Api.NodesAsync()).Single(n => n.Name == "nodes-killed").State == "gone", TimeSpan.FromSeconds(6));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 6);
        Assert.DoesNotContain(await node.Api.NodesAsync(), n => n.Name == "nodes-of-another-cluster");
        Assert.Equal("up", (await node.Api.NodesAsync()).Single(n => n.Self).State);
    }
}
