using Integrations.Tests.Integration.Faults.Lab;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// The fault suite beyond one broker: three RabbitMQ nodes clustered on this machine, a node of the bus pointed at all
/// three with quorum queues (<c>--queue-type quorum</c>, and the channel's queue <c>queue_type: quorum</c>); the broker
/// node the bus is connected to is killed -9 mid-run and stays dead. The bus connects to another, the queues' other
/// replicas carry on (a classic queue on that node would be gone with it), and nothing is lost.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Losing_nothing_on_a_rabbitmq_cluster(Servers servers)
{
    [Fact]
    public async Task Quorum_queues_keep_every_message_when_the_broker_node_in_use_is_killed()
    {
        var run = new FaultRun("AMQP channel, 3-node RabbitMQ cluster, quorum queues");
        // Started side by side, then clustered one after the other.
        var started = await PrivateBroker.StartSeveralAsync(3);
        await using var first = started[0];
        await using var second = started[1];
        await using var third = started[2];
        await second.JoinAsync(first);
        await third.JoinAsync(first);
        PrivateBroker[] brokers = [first, second, third];
        await using var counter = await Counter.StartAsync(servers.RabbitMq, "cluster3");
        run.Counting(() => counter.Duplicated("work"));
        await using var node = await LabNode.StartAsync(servers, "faults-rmq-cluster", string.Join(',', brokers.Select(b => b.Address)), servers.NewSchema(),
            environment: new Dictionary<string, string> { ["ESB_QUEUE_TYPE"] = "quorum" });
        await node.PrepareAsync(counter, "work");
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Partner","heartbeat_seconds":5}""");
        await node.CreateAsync("/admin/channels/amqp", """{"name":"Orders","connection":"Partner","queue":"faults.orders","service":"faults.work","consumers":2,"queue_type":"quorum"}""");
        await Until(async () => await Partner.ConsumersAsync(first.Address, "faults.orders") == 2, TimeSpan.FromSeconds(30));

        // The broker node the bus's calls go through: killed -9; the partner sends through a node that stays.
        var victimName = (await first.NodesOfConnectionsAsync("esb faults-rmq-cluster calls")).Single();
        var victim = brokers.Single(b => b.NodeName == victimName);
        var partner = brokers.First(b => b != victim);
        var ids = FaultRun.Ids(FaultRun.Messages);
        await run.DriveAsync(ids, batch => Partner.SendAsync(partner.Address, "faults.orders", batch, replyTo: "faults.replies"),
            () => counter.Unique("work"), id => counter.Ran("work", id),
            new Fault("broker node kill -9", victim.KillAsync, () => Task.CompletedTask, FromBreak: true, Crash: true));
        await FaultRun.SettleAsync(() => counter.Unique("work"), ids.Count);

        var types = await partner.QueueTypesAsync();
        Assert.Equal("quorum", types["faults.orders"]);
        Assert.Equal("quorum", types["svc.faults.work"]);
        var answered = await Partner.DrainIdsAsync(partner.Address, "faults.replies");
        run.Report(ids.Count, counter.Unique("work"), counter.Duplicated("work"), await Partner.DepthAsync(partner.Address, "faults.orders.dead") + await node.DeadLetteredAsync("Orders"),
            await Partner.DepthAsync(partner.Address, "faults.orders"), inFlight: 2 * 10, answered.Count);
    }
}
