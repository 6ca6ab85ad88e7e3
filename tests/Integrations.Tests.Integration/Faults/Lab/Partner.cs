using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>The partner system of a scenario, on an AMQP 0-9-1 broker: sends messages with ids, reads what came back.</summary>
public static class Partner
{
    /// <summary>Publishes one persistent message per id to <paramref name="queue"/>, each confirmed by the broker, on a connection of its own.</summary>
    public static async Task SendAsync(string broker, string queue, IEnumerable<string> ids, string? replyTo = null, int delayMs = 10)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "fault lab partner" }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        if (replyTo is not null) await channel.QueueDeclareAsync(replyTo, durable: true, exclusive: false, autoDelete: false);
        var pending = new List<ValueTask>();
        foreach (var id in ids)
        {
            pending.Add(channel.BasicPublishAsync("", queue, mandatory: true,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent, MessageId = id, ReplyTo = replyTo, ContentType = "application/json" },
                Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","delay_ms":{{delayMs}}}""")));
            if (pending.Count == 100)
            {
                foreach (var p in pending) await p;
                pending.Clear();
            }
        }
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

    /// <summary>Takes every message of <paramref name="queue"/> and returns the distinct ids of their JSON bodies.</summary>
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
                ids.Add(json.RootElement.GetProperty("id").GetString()!);
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // No such queue: nothing came.
        }
        return ids;
    }
}
