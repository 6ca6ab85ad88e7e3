using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using RabbitMQ.Client;

namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>The partner system of a scenario, on an AMQP 0-9-1 broker: sends messages with ids, reads what came back.</summary>
public static class Partner
{
    /// <summary>
    /// Publishes one persistent message per id to <paramref name="queue"/>, each confirmed by the broker, on a connection
    /// of its own, with answers asked to the durable queue <paramref name="replyTo"/> (which an AMQP 1.0 receiver, an MQ
    /// channel, sees as <c>/queue/NAME</c>). As a careful partner does, a batch the broker did not confirm (rejected
    /// while a cluster elects a queue's new leader, or the connection lost) is sent again: at least once.
    /// </summary>
    /// With <paramref name="masstransit"/>, each is a MassTransit application's request: its envelope, the answer asked
    /// for at <paramref name="replyTo"/> as the response address.
    public static async Task SendAsync(string broker, string queue, IEnumerable<string> ids, string? replyTo = null, int delayMs = 10, bool masstransit = false)
    {
        foreach (var batch in ids.Chunk(100))
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SendBatchAsync(broker, queue, batch, replyTo, delayMs, masstransit);
                    break;
                }
                catch (Exception e) when (attempt < 60 && e is RabbitMQ.Client.Exceptions.PublishException or RabbitMQ.Client.Exceptions.AlreadyClosedException
                    or RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
                {
                    await Task.Delay(500);
                }
            }
    }

    private static async Task SendBatchAsync(string broker, string queue, IReadOnlyList<string> ids, string? replyTo, int delayMs, bool masstransit)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "fault lab partner" }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        if (replyTo is not null) await channel.QueueDeclareAsync(replyTo, durable: true, exclusive: false, autoDelete: false);
        var pending = new List<ValueTask>();
        foreach (var id in ids)
            pending.Add(masstransit
                ? channel.BasicPublishAsync("", queue, mandatory: true,
                    new BasicProperties { DeliveryMode = DeliveryModes.Persistent, MessageId = id, ContentType = "application/vnd.masstransit+json" },
                    Encoding.UTF8.GetBytes($$$"""
                        {"messageId":"{{{Guid.NewGuid()}}}","requestId":"{{{Guid.NewGuid()}}}","responseAddress":"rabbitmq://localhost/{{{replyTo}}}?temporary=true",
                         "messageType":["urn:message:Faults:Work"],"message":{"id":"{{{id}}}","delayMs":{{{delayMs}}}}}
                        """))
                : channel.BasicPublishAsync("", queue, mandatory: true,
                    new BasicProperties { DeliveryMode = DeliveryModes.Persistent, MessageId = id, ReplyTo = replyTo, ContentType = "application/json" },
                    Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","delay_ms":{{delayMs}}}""")));
        foreach (var p in pending) await p;
    }

    /// <summary>How many messages wait in <paramref name="queue"/> (0 when it does not exist).</summary>
    public static async Task<int> DepthAsync(string broker, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (int)(await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    /// <summary>How many consumers <paramref name="queue"/> has (0 when it does not exist, or the broker is not up).</summary>
    public static async Task<int> ConsumersAsync(string broker, string queue)
    {
        try
        {
            await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (int)(await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return 0;
        }
    }

    /// <summary>Takes every message of <paramref name="queue"/> and returns the distinct ids of their JSON bodies (of the message inside a MassTransit envelope).</summary>
    public static async Task<HashSet<string>> DrainIdsAsync(string broker, string queue)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                using var json = JsonDocument.Parse(message.Body);
                var body = json.RootElement.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : json.RootElement;
                ids.Add(body.GetProperty("id").GetString()!);
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // No such queue: nothing came.
        }
        return ids;
    }

    /// <summary>
    /// Sends one durable message per id to <paramref name="address"/> over AMQP 1.0 (as an MQ partner does), each settled
    /// by the broker, on a connection of its own, with answers asked to the AMQP 1.0 address <paramref name="replyTo"/>.
    /// </summary>
    public static async Task SendOverAmqpOneAsync(PrivateBroker broker, string address, IEnumerable<string> ids, string replyTo, int delayMs = 10)
    {
        var connection = await global::Amqp.Connection.Factory.CreateAsync(new global::Amqp.Address("127.0.0.1", broker.Port, "guest", "guest", "/", "amqp"));
        try
        {
            var sender = new global::Amqp.SenderLink(new global::Amqp.Session(connection), "fault-lab-partner", new global::Amqp.Framing.Target { Address = address, Durable = 1 }, null);
            foreach (var chunk in ids.Chunk(100))
                await Task.WhenAll(chunk.Select(id => sender.SendAsync(new global::Amqp.Message
                {
                    BodySection = new global::Amqp.Framing.Data { Binary = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","delay_ms":{{delayMs}}}""") },
                    Header = new global::Amqp.Framing.Header { Durable = true },
                    Properties = new global::Amqp.Framing.Properties { MessageId = id, ReplyTo = replyTo },
                })));
        }
        finally
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(5), null);
        }
    }
}
