using System.Net;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Backbone;

[Collection(ServersCollection.Name)]
public sealed class Keeping_and_dropping_messages(Servers servers)
{
    [Fact]
    public async Task A_failed_call_sent_with_InvokeAsync_is_kept_in_the_service_error_queue()
    {
        await using var node = await TestNode.StartAsync(servers, "error-queue-node");
        var before = await servers.QueueDepthAsync("svc.test.fail_error") ?? 0;

        Assert.Equal(HttpStatusCode.OK, (await node.InvokeAsync("test.hand-off-failure")).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        uint? depth;
        while ((depth = await servers.QueueDepthAsync("svc.test.fail_error") ?? 0) == before && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(before + 1, depth);
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
