using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite's cluster: two nodes consume the same AMQP channel; one is killed -9 mid-run and stays dead; the
/// other takes over what it held, and nothing is lost.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_when_a_node_dies(Servers servers)
{
    [Fact]
    public async Task The_other_node_takes_over_what_the_killed_one_held()
    {
        var run = new FaultRun("two nodes, one killed");
        await using var broker = await PrivateBroker.StartAsync();
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "cluster");
        run.Counting(() => counter.Duplicated("work"));
        var schema = servers.NewSchema();
        await using var first = await LabNode.StartAsync(servers, "faults-first", broker.Address, schema);
        await using var second = await LabNode.StartAsync(servers, "faults-second", broker.Address, schema);
        await first.PrepareAsync(counter, "work");
        await first.CreateAsync("/admin/connections/amqp", """{"name":"Partner","heartbeat_seconds":5}""");
        await first.CreateAsync("/admin/channels/amqp", """{"name":"Orders","connection":"Partner","queue":"faults.orders","service":"faults.work","consumers":2}""");
        await Until(async () => await Partner.ConsumersAsync(broker.Address, "faults.orders") == 4, TimeSpan.FromSeconds(30));

        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => Partner.SendAsync(broker.Address, "faults.orders", batch, replyTo: "faults.replies"),
            () => counter.Unique("work"), id => counter.Ran("work", id),
            new Fault("first node kill -9", first.KillAsync, () => Task.CompletedTask, FromBreak: true));
        await FaultRun.SettleAsync(() => counter.Unique("work"), ids.Count);

        var answered = await Partner.DrainIdsAsync(broker.Address, "faults.replies");
        run.Report(ids.Count, counter.Unique("work"), counter.Duplicated("work"), await Partner.DepthAsync(broker.Address, "faults.orders.dead") + await second.DeadLetteredAsync("Orders"),
            await Partner.DepthAsync(broker.Address, "faults.orders"), inFlight: 2 * 10, answered.Count);
        Assert.False(second.HasExited);
    }
}
