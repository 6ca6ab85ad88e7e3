using RabbitMQ.Client;

namespace Integrations.Bus.Consuming;

/// <summary>How an AMQP 0-9-1 queue is listened on.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Prefetch">Messages each consumer holds at a time.</param>
/// <param name="Consumers">Consumers (each on a channel of its own).</param>
/// <param name="Declare">Declare the queue (durable) when it is missing.</param>
/// <param name="DeadLetterQueue">Where messages given up on go; declared with the queue.</param>
/// <param name="PublishDurable">
/// How dead letters are sent when not on the consumer's own channel (a confirmed publisher the caller keeps); null
/// sends them on the consumer's channel, which is then opened with publisher confirms.
/// </param>
/// <param name="Exchange">
/// Listen on a queue of this connection's own bound to this fanout exchange (declared if missing): named by the
/// broker, exclusive, gone with the connection; <paramref name="Queue"/> is then ignored.
/// </param>
/// <param name="QueueType">
/// The kind of queue declared (<c>quorum</c>, replicated over a cluster's nodes), or null for the broker's default
/// (classic); the dead-letter queue is declared the same.
/// </param>
/// <param name="BindTo">
/// A fanout exchange <paramref name="Queue"/> is bound to (declared durable when missing), as a MassTransit
/// application's events are published to the exchange of their type; null for none.
/// </param>
/// <param name="PersistentReplies">
/// Answers to a message's reply-to are persistent and confirmed (a partner's reply queue), not transient (the
/// backbone's callers, who wait for them).
/// </param>
public sealed record AmqpQueue(string Queue, int Prefetch, int Consumers = 1, bool Declare = true, string? DeadLetterQueue = null,
    Func<string, BasicProperties, ReadOnlyMemory<byte>, CancellationToken, Task>? PublishDurable = null, string? Exchange = null,
    bool PersistentReplies = false, string? QueueType = null, string? BindTo = null)
{
    /// <summary>The arguments that declare a queue of <paramref name="type"/>: none for the broker's default.</summary>
    public static IDictionary<string, object?>? ArgumentsOf(string? type) =>
        type is null or "classic" ? null : new Dictionary<string, object?> { ["x-queue-type"] = type };
}
