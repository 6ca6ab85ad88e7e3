using System.Text;
using Integrations.Tests.Integration.Infrastructure;
using Integrations.Tests.Integration.Scheduler;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Amqp;

/// <summary>An AMQP channel on a broker that goes away and comes back: it consumes again by itself, and loses nothing.</summary>
[Collection(ServersCollection.Name)]
public sealed class Surviving_a_broker_restart(Servers servers)
{
    [Fact]
    public async Task An_amqp_channel_consumes_again_after_a_clean_broker_restart_and_every_message_is_processed()
    {
        await using var broker = await PrivateBroker.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "amqp-restart", isolated: true);
        var queue = "restart.in";
        await node.CreateAsync("/admin/connections/amqp", $$"""{"name":"Partner","address":"{{broker.Url}}","heartbeat_seconds":5}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Partner in","connection":"Partner","queue":"{{queue}}","service":"test.tally","consumers":2}""");
        await Until(async () => await ConsumersAsync(broker, queue) == 2, TimeSpan.FromSeconds(15));

        var id = Guid.NewGuid().ToString("N")[..8];
        var before = Enumerable.Range(1, 20).Select(n => $"{id}-before-{n}").ToArray();
        await PublishAsync(broker, queue, before);
        await Until(() => before.All(t => Tally.Count(t) == 1), TimeSpan.FromSeconds(15));

        // A clean stop closes every connection with CONNECTION_FORCED; messages published while it is back but the
        // channel has not yet consumed again must wait in the (durable) queue, not be lost.
        await broker.StopAsync();
        await broker.StartAgainAsync();
        var after = Enumerable.Range(1, 20).Select(n => $"{id}-after-{n}").ToArray();
        await PublishAsync(broker, queue, after);

        await Until(async () => await ConsumersAsync(broker, queue) == 2, TimeSpan.FromSeconds(30));
        await Until(() => after.All(t => Tally.Count(t) >= 1), TimeSpan.FromSeconds(30));
        Assert.All(before, t => Assert.Equal(1, Tally.Count(t)));
        Assert.Equal(0u, (await broker.QueueAsync(queue)).Messages);
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("channel_amqp Partner in: consuming restart.in"));
    }

    [Fact]
    public async Task Answers_waiting_in_a_partners_reply_queue_survive_a_broker_restart()
    {
        await using var broker = await PrivateBroker.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "amqp-replies", isolated: true);
        const string queue = "replies.in", replies = "replies.back";
        await node.CreateAsync("/admin/connections/amqp", $$"""{"name":"Partner","address":"{{broker.Url}}","heartbeat_seconds":5}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Partner in","connection":"Partner","queue":"{{queue}}","service":"test.tally"}""");
        await Until(async () => await ConsumersAsync(broker, queue) == 1, TimeSpan.FromSeconds(15));

        var id = Guid.NewGuid().ToString("N")[..8];
        var tokens = Enumerable.Range(1, 50).Select(n => $"{id}-reply-{n}").ToArray();
        await PublishAsync(broker, queue, tokens, replyTo: replies);
        await Until(() => tokens.All(t => Tally.Count(t) == 1), TimeSpan.FromSeconds(15));
        await Until(async () => (await broker.QueueAsync(replies)).Messages == 50, TimeSpan.FromSeconds(10));

        // Nobody reads the answers; the broker restarts; they are all still there.
        await broker.StopAsync();
        await broker.StartAgainAsync();
        uint kept = 0;
        await Until(async () => (kept = await MessagesAsync(broker, replies)) > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(50u, kept);
    }

    private static async Task<uint> MessagesAsync(PrivateBroker broker, string queue)
    {
        try
        {
            return (await broker.QueueAsync(queue)).Messages;
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return 0; // the broker is still starting
        }
    }

    private static async Task<uint> ConsumersAsync(PrivateBroker broker, string queue)
    {
        try
        {
            return (await broker.QueueAsync(queue)).Consumers;
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return 0; // not declared yet, or the broker is still starting
        }
    }

    private static async Task PublishAsync(PrivateBroker broker, string queue, IEnumerable<string> tokens, string? replyTo = null)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Address) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        if (replyTo is not null) await channel.QueueDeclareAsync(replyTo, durable: true, exclusive: false, autoDelete: false);
        foreach (var token in tokens)
            await channel.BasicPublishAsync("", queue, true, new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ReplyTo = replyTo, MessageId = token },
                Encoding.UTF8.GetBytes($$"""{"token":"{{token}}"}"""));
    }
}
