using System.Net;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Backbone;

[Collection(ServersCollection.Name)]
public sealed class Keeping_and_dropping_messages(Servers servers)
{
    [Fact]
    public async Task A_failed_call_sent_with_InvokeAsync_is_kept_among_the_failed_messages_and_runs_again_when_retried()
    {
        // Services of their own: a service's error queue is consumed by every node that runs the service.
        await using var node = await TestNode.StartAsync(servers, "error-queue-node", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        var deployed = await node.Admin.PostAsync("/admin/deployments", AdminCalls.Json(new System.Text.Json.Nodes.JsonObject
        {
            ["files"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "HandOff.cs",
                ["source"] = $$"""
                    [Service("kept.hand-off-{{id}}")]
                    public sealed class HandOff : Service<NoInput, string>
                    {
                        protected override async Task<string> Handle(NoInput input, ServiceContext ctx)
                        {
                            await ctx.SendAsync("kept.fail-{{id}}", new { order = "{{id}}" });
                            return "sent";
                        }
                    }

                    [Service("kept.fail-{{id}}")]
                    public sealed class Fail : Service<Fail.Input, string>
                    {
                        public sealed record Input(string Order);
                        protected override Task<string> Handle(Input input, ServiceContext ctx) => throw new TimeoutException("the ledger did not answer");
                    }
                    """,
            }),
        }.ToJsonString()));
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());

        var handOff = await node.InvokeAsync($"kept.hand-off-{id}");
        Assert.Equal(HttpStatusCode.OK, handOff.StatusCode);
        var failed = (await Operations.Keeping_failed_messages.WaitForFailedAsync(node, "service", $"kept.fail-{id}", 1)).Messages[0];
        Assert.Equal(("service", $"svc.kept.fail-{id}", "System.TimeoutException", 500), (failed.Kind, failed.Queue, failed.Exception, failed.Status));
        Assert.Equal(handOff.Headers.GetValues("X-Esb-Cid").Single(), failed.Cid);
        Assert.Equal($$"""{"order":"{{id}}"}""", (await node.Api.FailedMessageAsync(failed.Id)).Body);
        Assert.Equal(0u, await servers.QueueDepthAsync($"svc.kept.fail-{id}_error") ?? 0);

        // Sent back to the service's queue, it runs again (and fails again, into its own record).
        Assert.Equal([failed.Id], (await node.Api.FailedActionAsync("retry", ids: [failed.Id])).Done);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await node.Api.FailedMessageAsync(failed.Id)).History.Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        var again = await node.Api.FailedMessageAsync(failed.Id);
        Assert.Equal(["failed", "retried", "failed again"], again.History.Select(h => h.What));
        Assert.Equal("failed", again.Message.State);
    }

    [Fact]
    public async Task A_service_queue_deleted_by_hand_is_declared_and_consumed_again()
    {
        await using var node = await TestNode.StartAsync(servers, "queue-deleted");
        Assert.Equal(HttpStatusCode.Created, (await node.InvokeAsync("test.create", "id=1")).StatusCode);

        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(servers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
            await channel.QueueDeleteAsync("svc.test.create", ifUnused: false, ifEmpty: false);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await servers.QueueDepthAsync("svc.test.create") is null && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(HttpStatusCode.Created, (await node.InvokeAsync("test.create", "id=2")).StatusCode);
    }

    [Fact]
    public async Task Replies_that_come_after_their_callers_hung_up_are_dropped_not_kept()
    {
        await using var node = await TestNode.StartAsync(servers, "late-reply-node");
        using var impatient = new HttpClient { BaseAddress = node.Admin.BaseAddress };
        impatient.DefaultRequestHeaders.Authorization = node.Admin.DefaultRequestHeaders.Authorization;

        // Callers that hang up while their calls are on the way, as a load generator does when it stops.
        for (var round = 0; round < 20; round++)
        {
            using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(5 + round));
            var calls = Enumerable.Range(0, 32).Select(async _ =>
            {
                try { await impatient.PostAsync("/admin/services/demo.hello/invoke", new StringContent("name=Mike"), hangUp.Token); }
                catch (OperationCanceledException) { }
            });
            await Task.WhenAll(calls);
        }
        await Task.Delay(500);

        Assert.True((await servers.QueueDepthAsync("_skipped") ?? 0) == 0, "late replies were kept in _skipped");
        Assert.Equal(HttpStatusCode.OK, (await node.InvokeAsync("demo.hello")).StatusCode);
    }
}
