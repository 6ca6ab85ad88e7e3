using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite's MQ channel (AMQP 1.0, against RabbitMQ's amqp1_0 plugin): messages with reply-to while the broker
/// restarts, crashes, and the consuming node is killed -9; every message processed and answered.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_on_an_mq_channel(Servers servers)
{
    [Fact]
    public async Task Through_a_broker_restart_a_broker_crash_and_a_killed_node()
    {
        var run = new FaultRun("MQ channel (AMQP 1.0)");
        await using var broker = await PrivateBroker.StartAsync("rabbitmq_amqp1_0");
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "mq");
        run.Counting(() => counter.Duplicated("work"));
        await using var node = await LabNode.StartAsync(servers, "faults-mq", servers.RabbitMq, servers.NewSchema());
        await node.PrepareAsync(counter, "work");
        await node.CreateAsync("/admin/connections/mq", $$"""{"name":"Ledger broker","address":"amqp://127.0.0.1:{{broker.Port}}"}""");
        await node.CreateAsync("/admin/channels/mq", """{"name":"Ledger","connection":"Ledger broker","address":"/queue/faults.mq","service":"faults.work"}""");
        await Until(async () => await Partner.ConsumersAsync(broker.Address, "faults.mq") == 1, TimeSpan.FromSeconds(30));

        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => Partner.SendOverAmqpOneAsync(broker, "/queue/faults.mq", batch, replyTo: "/queue/faults.mq.replies"),
            () => counter.Unique("work"), id => counter.Ran("work", id),
            new Fault("broker restart", broker.StopAsync, broker.StartAgainAsync),
            new Fault("broker kill -9", broker.KillAsync, broker.StartAgainAsync, Crash: true),
            new Fault("node kill -9", node.KillAsync, node.StartAgainAsync, FromBreak: true));
        await FaultRun.SettleAsync(() => counter.Unique("work"), ids.Count);

        var answered = await Partner.DrainIdsAsync(broker.Address, "faults.mq.replies");
        run.Report(ids.Count, counter.Unique("work"), counter.Duplicated("work"), await node.DeadLetteredAsync("Ledger"), await Partner.DepthAsync(broker.Address, "faults.mq"),
            inFlight: 10, answered.Count);
    }
}
