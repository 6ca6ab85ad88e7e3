using System.Net;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite's pub/sub: a topic published over REST, with a subscriber of each durable delivery kind (a service,
/// an outgoing AMQP connection, an outgoing REST connection), while the backbone's broker restarts, crashes, and the
/// node is killed -9; every message accepted (202) reaches every subscriber.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_in_pubsub(Servers servers)
{
    [Fact]
    public async Task Every_accepted_message_reaches_every_subscriber_through_a_broker_restart_a_broker_crash_and_a_killed_node()
    {
        var run = new FaultRun("pub/sub over REST");
        await using var broker = await PrivateBroker.StartAsync();
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "pubsub");
        await using var hook = await TestHttpServer.StartAsync(app => app.MapPost("/hook", async (HttpContext http) =>
        {
            using var json = await JsonDocument.ParseAsync(http.Request.Body);
            counter.Record("rest", json.RootElement.GetProperty("id").GetString()!, Guid.NewGuid().ToString("N"));
            return Results.Ok();
        }));
        await using var node = await LabNode.StartAsync(servers, "faults-pubsub", broker.Address, servers.NewSchema());
        await node.PrepareAsync(counter, "service");
        var mirrored = await counter.QueueAsync("amqp");
        await node.CreateAsync("/admin/outgoing/amqp", $$"""{"name":"Mirror","connection":"Counter","routing_key":"{{mirrored}}"}""");
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Hook","address":"{{hook.Url}}","url_path":"/hook"}""");
        await node.CreateAsync("/admin/pubsub/topics", """{"name":"orders"}""");
        await node.CreateAsync("/admin/pubsub/subscriptions", """{"name":"to-service","topic":"orders","deliver_to":"service","service":"faults.work"}""");
        await node.CreateAsync("/admin/pubsub/subscriptions", """{"name":"to-amqp","topic":"orders","deliver_to":"amqp","outgoing":"Mirror"}""");
        await node.CreateAsync("/admin/pubsub/subscriptions", """{"name":"to-rest","topic":"orders","deliver_to":"rest","outgoing":"Hook"}""");

        string[] flows = ["service", "amqp", "rest"];
        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => PublishAsync(node, batch), () => flows.Min(counter.Unique), id => flows.All(f => counter.Ran(f, id)),
            new Fault("broker restart", broker.StopAsync, broker.StartAgainAsync),
            new Fault("broker kill -9", broker.KillAsync, broker.StartAgainAsync, Crash: true),
            new Fault("node kill -9", node.KillAsync, node.StartAgainAsync, FromBreak: true));
        await FaultRun.SettleAsync(() => flows.Min(counter.Unique), ids.Count);

        foreach (var (flow, subscription) in flows.Zip(new[] { "to-service", "to-amqp", "to-rest" }))
            run.Report(ids.Count, counter.Unique(flow), counter.Duplicated(flow), await Partner.DepthAsync(broker.Address, $"esb.sub.{subscription}.dead") + await node.DeadLetteredAsync(subscription),
                await Partner.DepthAsync(broker.Address, $"esb.sub.{subscription}"), inFlight: 10, part: $"{flow} subscriber");
    }

    // Publishes each message as a client would: sent again while the node answers 503 (the bus is away: nothing was
    // accepted) or cannot be reached; accepted once it answers 202.
    private static async Task PublishAsync(LabNode node, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    var answer = await node.Channels.PostAsync("/esb/pubsub/topic/orders",
                        new StringContent($$"""{"id":"{{id}}","delay_ms":2}""", Encoding.UTF8, "application/json"));
                    if (answer.StatusCode == HttpStatusCode.Accepted) break;
                    Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"publishing {id}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException)
                {
                    // The node is starting again.
                }
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"{id} was not accepted within 120 s");
                await Task.Delay(100);
            }
        }
    }
}
