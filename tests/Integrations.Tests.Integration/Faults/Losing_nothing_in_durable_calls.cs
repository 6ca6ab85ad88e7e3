using System.Net;
using System.Text;
using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite's durable calls: a service hands each message to another with <c>ctx.SendAsync</c> (persistent,
/// confirmed before the first answers) while the broker restarts, crashes, and the node is killed -9; every call the
/// first accepted is run.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_in_durable_calls(Servers servers)
{
    [Fact]
    public async Task Every_accepted_call_runs_through_a_broker_restart_a_broker_crash_and_a_killed_node()
    {
        var run = new FaultRun("durable calls (SendAsync)");
        await using var broker = await PrivateBroker.StartAsync();
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "durable");
        run.Counting(() => counter.Duplicated("work"));
        await using var node = await LabNode.StartAsync(servers, "faults-durable", broker.Address, servers.NewSchema());
        await node.PrepareAsync(counter, "work");

        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => HandOffAsync(node, batch), () => counter.Unique("work"), id => counter.Ran("work", id),
            new Fault("broker restart", broker.StopAsync, broker.StartAgainAsync),
            new Fault("broker kill -9", broker.KillAsync, broker.StartAgainAsync, Crash: true),
            new Fault("node kill -9", node.KillAsync, node.StartAgainAsync, FromBreak: true));
        await FaultRun.SettleAsync(() => counter.Unique("work"), ids.Count);

        run.Report(ids.Count, counter.Unique("work"), counter.Duplicated("work"), await Partner.DepthAsync(broker.Address, "svc.faults.work_error") + await node.DeadLetteredAsync("faults.work"),
            await Partner.DepthAsync(broker.Address, "svc.faults.work"), inFlight: 64);
    }

    // Each id handed off by invoking faults.hand-off as a client would: again while the node answers 503 (nothing was
    // accepted) or cannot be reached; accepted once it answers 200.
    private static async Task HandOffAsync(LabNode node, IReadOnlyList<string> ids)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    var answer = await node.Admin.PostAsync("/admin/services/faults.hand-off/invoke",
                        new StringContent($$"""{"id":"{{id}}","delay_ms":10}""", Encoding.UTF8, "application/json"));
                    if (answer.StatusCode == HttpStatusCode.OK) return;
                    Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                        $"handing off {id}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The node is starting again.
                }
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"{id} was not accepted within 120 s");
                await Task.Delay(100);
            }
        });
    }
}
