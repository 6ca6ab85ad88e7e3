using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite's AMQP channel: a partner (or a MassTransit application's request client) sends messages with reply-to while its broker restarts, crashes, and the
/// node that consumes is killed -9 and restarted; every message is processed and answered, nothing is lost.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_on_an_amqp_channel(Servers servers)
{
    [Fact]
    public Task On_the_backbones_own_broker_through_a_broker_restart_a_broker_crash_and_a_killed_node() => RunAsync(onBackbone: true);

    [Fact]
    public Task On_a_partners_broker_through_a_broker_restart_a_broker_crash_and_a_killed_node() => RunAsync(onBackbone: false);

    [Fact]
    public Task From_a_masstransit_application_on_the_backbones_broker_through_a_broker_restart_a_broker_crash_and_a_killed_node() =>
        RunAsync(onBackbone: true, masstransit: true);

    private async Task RunAsync(bool onBackbone, bool masstransit = false)
    {
        var run = new FaultRun((onBackbone ? "AMQP channel, backbone's broker" : "AMQP channel, a partner's broker") + (masstransit ? ", MassTransit requests" : ""));
        await using var broker = await PrivateBroker.StartAsync();
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "amqp");
        run.Counting(() => counter.Duplicated("work"));
        await using var node = await LabNode.StartAsync(servers, "faults-amqp", onBackbone ? broker.Address : servers.RabbitMq, servers.NewSchema());
        await node.PrepareAsync(counter, "work");
        await node.CreateAsync("/admin/connections/amqp", onBackbone ? """{"name":"Partner","heartbeat_seconds":5}"""
            : $$"""{"name":"Partner","address":"{{broker.Url}}","heartbeat_seconds":5}""");
        await node.CreateAsync("/admin/channels/amqp", masstransit
            ? """{"name":"Orders","connection":"Partner","queue":"faults.orders","service":"faults.work","consumers":2,"format":"masstransit","response_type":"Faults:WorkDone"}"""
            : """{"name":"Orders","connection":"Partner","queue":"faults.orders","service":"faults.work","consumers":2}""");
        await Until(async () => await Partner.ConsumersAsync(broker.Address, "faults.orders") == 2, TimeSpan.FromSeconds(30));

        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => Partner.SendAsync(broker.Address, "faults.orders", batch, replyTo: "faults.replies", masstransit: masstransit), () => counter.Unique("work"), id => counter.Ran("work", id),
            new Fault("broker restart", broker.StopAsync, broker.StartAgainAsync),
            new Fault("broker kill -9", broker.KillAsync, broker.StartAgainAsync, Crash: true),
            new Fault("node kill -9", node.KillAsync, node.StartAgainAsync, FromBreak: true));
        await FaultRun.SettleAsync(() => counter.Unique("work"), ids.Count);

        var answered = await Partner.DrainIdsAsync(broker.Address, "faults.replies");
        run.Report(ids.Count, counter.Unique("work"), counter.Duplicated("work"),
            await Partner.DepthAsync(broker.Address, "faults.orders.dead") + await node.DeadLetteredAsync("Orders"), await Partner.DepthAsync(broker.Address, "faults.orders"),
            inFlight: 2 * 10, answered.Count);
    }
}
