using System.Net;
using System.Text;
using System.Text.Json;
using Integrations.Admin;
using Integrations.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Operations;

[Collection(ServersCollection.Name)]
public sealed class Keeping_failed_messages(Servers servers)
{
    [Fact]
    public async Task Messages_a_channel_gives_up_on_are_stored_with_why_grouped_by_cause_and_sent_back_where_they_failed()
    {
        await using var node = await TestNode.StartAsync(servers, "failed-store", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        var queue = "ship.in." + id;
        var orders = Enumerable.Range(1, 3).Select(i => $"{id}-{i}").ToList();
        foreach (var order in orders) ShipOrder.Failing[order] = true;
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Shipping","connection":"Backbone","queue":"{{queue}}","service":"test.ship-order","retries":1}""");
        var factory = new ConnectionFactory { Uri = new Uri(servers.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Until(async () => await ConsumersAsync(connection, queue) == 1, TimeSpan.FromSeconds(10));
        foreach (var order in orders)
            await channel.BasicPublishAsync("", queue, true, new BasicProperties
            {
                MessageId = "m-" + order, Persistent = true, Headers = new Dictionary<string, object?> { ["x-tenant"] = "acme" },
            }, Encoding.UTF8.GetBytes($$"""{"order":"{{order}}"}"""));

        // Each is stored with what it carried and why it failed, and leaves the dead-letter queue.
        var failed = await WaitForFailedAsync(node, "channel", "Shipping", 3);
        var first = failed.Messages.Single(m => m.Channel == "Shipping" && m.Status == 500 && m.Queue == queue && m.Attempts == 2
            && m.Kind == "channel_amqp" && m.Service == "test.ship-order" && m.Exception == "System.InvalidOperationException" && m.Node == "failed-store"
            && m.Size > 0 && m.State == "failed" && !m.Edited && m.Id == failed.Messages.MinBy(x => x.FirstFailed)!.Id);
        var detail = await node.Api.FailedMessageAsync(first.Id);
        var order1 = JsonDocument.Parse(detail.Body!).RootElement.GetProperty("order").GetString()!;
        Assert.Contains(order1, orders);
        Assert.Equal("m-" + order1, detail.Headers["amqp.message_id"]);
        Assert.Equal("acme", detail.Headers["x-tenant"]);
        Assert.Contains("Handle", detail.Frame);
        Assert.Contains("FailedServices.cs", detail.Frame);
        Assert.Equal(queue + ".dead", detail.DeadLetterQueue);
        Assert.Equal("failed", Assert.Single(detail.History).What);
        Assert.Contains("test.ship-order failed", detail.Message.Error);
        await Until(async () => await servers.QueueDepthAsync(queue + ".dead") == 0, TimeSpan.FromSeconds(10));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("failed ← channel_amqp Shipping") && l.Contains($"cid={first.Cid}"));

        // One group: the same service, the same exception.
        var group = Assert.Single(await node.Api.FailedGroupsAsync());
        Assert.Equal((3, "test.ship-order", "System.InvalidOperationException"), (group.Count, group.Service, group.Cause));
        Assert.Equal(first.Group, group.Group);
        var text = await node.Api.FailedAsync(new Dictionary<string, string> { ["text"] = order1.ToUpperInvariant() });
        Assert.Equal(first.Id, Assert.Single(text.Messages).Id);
        Assert.Equal(first.Id, Assert.Single((await node.Api.FailedAsync(new Dictionary<string, string> { ["cid"] = first.Cid })).Messages).Id);

        // Fixed: the group is sent back to the channel's queue, under each message's cid, and runs.
        var fixedOnes = orders.Where(o => o != order1).ToList();
        foreach (var order in fixedOnes) ShipOrder.Failing.TryRemove(order, out _);
        var retried = await node.Api.FailedActionAsync("retry", group: group.Group);
        Assert.Equal(3, retried.Done.Count);
        Assert.Empty(retried.Refused);
        await Until(() => Task.FromResult(fixedOnes.All(ShipOrder.Shipped.ContainsKey)), TimeSpan.FromSeconds(15));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"cid={detail.Message.Cid}") && l.Contains("AMQP cha ←") && l.Contains("500"));

        // The one still broken fails again and comes back to its own record, its group, with its history.
        var again = await WaitForAsync(node, first.Id, m => m.Message.State == "failed" && m.History.Count == 3);
        Assert.Equal(["failed", "retried", "failed again"], again.History.Select(h => h.What));
        Assert.Equal(4, again.Message.Attempts);
        Assert.Equal(1, Assert.Single(await node.Api.FailedGroupsAsync()).Count);
        var doneOnes = await node.Api.FailedAsync(new Dictionary<string, string> { ["state"] = "retried" });
        Assert.Equal(2, doneOnes.Total);

        // Edited and sent again: the edited body runs, the original is kept beside it.
        var edit = await node.Admin.PostAsync($"/admin/failed/{first.Id}/edit",
            AdminCalls.Json($$$"""{"body":{"order":"{{{order1}}}-fixed","address":"2 Quay St"},"headers":{"x-tenant":"acme-eu"}}"""));
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        await Until(() => Task.FromResult(ShipOrder.Shipped.TryGetValue(order1 + "-fixed", out var address) && address == "2 Quay St"), TimeSpan.FromSeconds(15));
        var edited = await node.Api.FailedMessageAsync(first.Id);
        Assert.Equal("retried", edited.Message.State);
        Assert.Contains(order1 + "-fixed", edited.Edited!.Body);
        Assert.Equal("acme-eu", edited.Edited.Headers["x-tenant"]);
        Assert.Equal($$"""{"order":"{{order1}}"}""", edited.Body);
        Assert.Equal("acme", edited.Headers["x-tenant"]);

        // Archived, then deleted for good.
        var archived = await node.Api.FailedActionAsync("archive", ids: [first.Id]);
        Assert.Equal([first.Id], archived.Done);
        Assert.Equal("archived", (await node.Api.FailedMessageAsync(first.Id)).Message.State);
        Assert.Empty(await node.Api.FailedGroupsAsync());
        Assert.Equal(HttpStatusCode.OK, (await node.Admin.DeleteAsync($"/admin/failed/{first.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Admin.GetAsync($"/admin/failed/{first.Id}")).StatusCode);
        var unknown = await node.Api.FailedActionAsync("retry", ids: [first.Id]);
        Assert.Empty(unknown.Done);
        Assert.Contains("no failed message", unknown.Refused[first.Id]);
    }

    [Fact]
    public async Task A_subscription_delivery_that_fails_is_kept_with_the_subscription_and_its_service()
    {
        await using var node = await TestNode.StartAsync(servers, "failed-pubsub", isolated: true);
        var order = Guid.NewGuid().ToString("N")[..8] + "-sub";
        ShipOrder.Failing[order] = true;
        await node.CreateAsync("/admin/pubsub/topics", """{"name":"shipments"}""");
        await node.CreateAsync("/admin/pubsub/subscriptions", """{"name":"shipper","topic":"shipments","deliver_to":"service","service":"test.ship-order","retries":0}""");
        await Until(async () => await servers.QueueDepthAsync("esb.sub.shipper.dead") is not null, TimeSpan.FromSeconds(10));
        Assert.True((await node.Api.SendAsync(HttpMethod.Post, "/admin/pubsub/topics/shipments/publish", $$"""{"order":"{{order}}"}""")).IsSuccess);

        var failed = (await WaitForFailedAsync(node, "channel", "shipper", 1)).Messages[0];
        Assert.Equal(("pubsub_subscription", "test.ship-order", "esb.sub.shipper", "System.InvalidOperationException"),
            (failed.Kind, failed.Service, failed.Queue, failed.Exception));
        ShipOrder.Failing.TryRemove(order, out _);
        Assert.Single((await node.Api.FailedActionAsync("retry", all: true)).Done);
        await Until(() => Task.FromResult(ShipOrder.Shipped.ContainsKey(order)), TimeSpan.FromSeconds(15));

        // Its trace tells the story: published, delivered, failed and kept, sent back, delivered again and run.
        Integrations.Admin.TraceInfo trace = null!;
        await Until(async () => (trace = await node.Api.TraceAsync(failed.Cid)).Hops.Count(h => h.Step == "run") == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(
        [
            ("publish", "shipments", 202), ("channel", "shipper", 500), ("run", "test.ship-order", 500), ("failed", "shipper", 500),
            ("retry", "shipper", 202), ("channel", "shipper", 200), ("run", "test.ship-order", 200),
        ], trace.Hops.Where(h => h.Step != "call").Select(h => (h.Step, h.Name, h.Status)));
        Assert.Equal($"kept as failed message {failed.Id}", trace.Hops.Single(h => h.Step == "failed").Detail);
        Assert.StartsWith($"failed message {failed.Id} sent to esb.sub.shipper by admin", trace.Hops.Single(h => h.Step == "retry").Detail);
        Assert.All(trace.Hops.Where(h => h.Step == "channel"), h => Assert.Equal("subscription", h.Type));
    }

    [Fact]
    public async Task Mistakes_in_a_request_about_failed_messages_are_answered_with_what_is_wrong()
    {
        await using var node = await TestNode.StartAsync(servers, "failed-mistakes", isolated: true);
        async Task<string> Refused(Task<HttpResponseMessage> call)
        {
            var response = await call;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await AdminCalls.ErrorOf(response))!;
        }
        Assert.Contains("state: 'broken' is not a state", await Refused(node.Admin.GetAsync("/admin/failed?state=broken")));
        Assert.Contains("limit: '0' must be a whole number from 1 to 1000", await Refused(node.Admin.GetAsync("/admin/failed?limit=0")));
        Assert.Contains("since: 'yesterday' is not a time", await Refused(node.Admin.GetAsync("/admin/failed?since=yesterday")));
        Assert.Contains("'servce' is not a filter", await Refused(node.Admin.GetAsync("/admin/failed?servce=x")));
        Assert.Contains("nothing selected", await Refused(node.Admin.PostAsync("/admin/failed/retry", AdminCalls.Json("{}"))));
        Assert.Contains("one choice", await Refused(node.Admin.PostAsync("/admin/failed/retry", AdminCalls.Json("""{"all":true,"group":"g"}"""))));
        Assert.Contains("ids: must be a list", await Refused(node.Admin.PostAsync("/admin/failed/delete", AdminCalls.Json("""{"ids":"abc"}"""))));
        Assert.Contains("all: must be true", await Refused(node.Admin.PostAsync("/admin/failed/archive", AdminCalls.Json("""{"all":false}"""))));
        Assert.Contains("nothing to change", await Refused(node.Admin.PostAsync("/admin/failed/abc/edit", AdminCalls.Json("{}"))));
        Assert.Contains("headers.esb-cid: the platform's own headers", await Refused(node.Admin.PostAsync("/admin/failed/abc/edit",
            AdminCalls.Json("""{"headers":{"esb-cid":"x"}}"""))));
        Assert.Contains("body_base64: is not base64", await Refused(node.Admin.PostAsync("/admin/failed/abc/edit", AdminCalls.Json("""{"body_base64":"%%"}"""))));
        var missing = await node.Admin.PostAsync("/admin/failed/abc/edit", AdminCalls.Json("""{"body":"x"}"""));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("esb failed list", await AdminCalls.ErrorOf(missing));
    }

    private static async Task<uint> ConsumersAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // not declared yet
        }
    }

    /// <summary>Waits until the node's store holds <paramref name="count"/> failed messages matching <paramref name="filter"/>.</summary>
    internal static async Task<FailedMessageList> WaitForFailedAsync(TestNode node, string filter, string value, int count, int seconds = 20)
    {
        FailedMessageList list = new(0, []);
        await Until(async () => (list = await node.Api.FailedAsync(new Dictionary<string, string> { [filter] = value })).Total >= count, TimeSpan.FromSeconds(seconds));
        Assert.Equal(count, list.Total);
        return list;
    }

    private static async Task<FailedMessageDetail> WaitForAsync(TestNode node, string id, Func<FailedMessageDetail, bool> condition)
    {
        FailedMessageDetail? detail = null;
        await Until(async () => condition(detail = await node.Api.FailedMessageAsync(id)), TimeSpan.FromSeconds(20));
        return detail!;
    }
}
