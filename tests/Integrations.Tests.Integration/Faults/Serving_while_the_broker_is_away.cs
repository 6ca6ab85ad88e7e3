using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// A node whose broker goes away keeps answering on the channel port: at once, in JSON, with a cid and when to try
/// again; and serves again by itself once the broker is back.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Serving_while_the_broker_is_away(Servers servers)
{
    [Fact]
    public async Task Rest_channels_and_topic_publishing_answer_503_with_a_cid_and_retry_after_then_serve_again()
    {
        await using var broker = await PrivateBroker.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "broker-away", o => o.RabbitMq = broker.Address, isolated: true);
        await node.CreateAsync("/admin/channels/rest", """{"name":"Hello","service":"demo.hello","url_path":"/away/hello"}""");
        await node.CreateAsync("/admin/pubsub/topics", """{"name":"away-prices"}""");
        Assert.Equal(HttpStatusCode.OK, (await node.Channels.GetAsync("/away/hello?name=Mike")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PublishAsync(node)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Channels.GetAsync("/esb/ready")).StatusCode);

        await broker.StopAsync();
        // Not ready while the bus is away (a load balancer sends callers to another node); alive all the same.
        await Until(async () => (await node.Channels.GetAsync("/esb/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await node.Channels.GetAsync("/esb/ping")).StatusCode);
        var slowest = TimeSpan.Zero;
        var refused = new List<string>();
        foreach (var call in new Func<Task<HttpResponseMessage>>[] { () => node.Channels.GetAsync("/away/hello?name=Mike"), () => PublishAsync(node) })
        {
            var clock = Stopwatch.StartNew();
            var response = await call();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms");
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var cid = response.Headers.GetValues("X-Esb-Cid").Single();
            refused.Add(cid);
            Assert.Equal(cid, json.RootElement.GetProperty("cid").GetString());
            Assert.Contains($"the message bus is not reachable right now; try again (cid={cid})", json.RootElement.GetProperty("error").GetString());
        }

        // Asked while the bus is away, a trace answers at once from this node: the refused call's hop, with why.
        var asked = Stopwatch.StartNew();
        var trace = await node.Api.TraceAsync(refused[0]);
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(2), $"the trace answered after {asked.Elapsed.TotalMilliseconds:0} ms");
        var hop = Assert.Single(trace.Hops, h => h.Step == "channel");
        Assert.Equal(("rest", "Hello", 503), (hop.Type, hop.Name, hop.Status));
        Assert.Contains("the message bus is not reachable right now", hop.Error);

        await broker.StartAgainAsync();
        // By itself, with no restart and no config edit: the backbone tries to reconnect every second.
        var back = Stopwatch.StartNew();
        await Until(async () => (await node.Channels.GetAsync("/away/hello?name=Mike")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(45));
        // Within 5 s on a quiet machine (tests/faults/run.sh measures it); the bound leaves room for a loaded one.
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(15), $"served again {back.Elapsed.TotalSeconds:0.0} s after the broker's return");
        Lab.FaultRun.Row("REST channel and topic, broker stopped", 2, 2,
            $"503 + Retry-After in {slowest.TotalMilliseconds:0} ms; 200 again {back.Elapsed.TotalSeconds:0.0} s after the broker's return");
        await Until(async () => (await PublishAsync(node)).StatusCode == HttpStatusCode.Accepted, TimeSpan.FromSeconds(15));
        using var ready = JsonDocument.Parse(await (await node.Channels.GetAsync("/esb/ready")).Content.ReadAsStringAsync());
        Assert.True(ready.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal("connected", ready.RootElement.GetProperty("message_bus").GetString());
    }

    private static Task<HttpResponseMessage> PublishAsync(TestNode node) =>
        node.Channels.PostAsync("/esb/pubsub/topic/away-prices", new StringContent("""{"price": 1.08}""", System.Text.Encoding.UTF8, "application/json"));
}
