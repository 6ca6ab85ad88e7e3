namespace Integrations.Config;

/// <summary>
/// An AMQP channel: consumes a queue and invokes a service with each message (the body as input; headers, routing key,
/// message id and correlation id in <c>ctx.Properties</c>). A message is acknowledged after the service finished;
/// a failed one is tried again, then moved to the dead-letter queue with the reason. When a message has
/// <c>reply_to</c>, the service's answer is published there with the same correlation id.
/// </summary>
[ConfigKind("channel_amqp")]
public sealed record ChannelAmqp : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_amqp of the broker.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The queue consumed (declared durable if missing).</summary>
    public string Queue { get; init; } = "";
    /// <summary>The service each message invokes.</summary>
    public string Service { get; init; } = "";
    /// <summary>Messages each consumer holds at a time.</summary>
    public int Prefetch { get; init; } = 10;
    /// <summary>Consumers on each node with the edge role.</summary>
    public int Consumers { get; init; } = 1;
    /// <summary>Tries after a failed one before the message goes to the dead-letter queue.</summary>
    public int Retries { get; init; } = 2;
    /// <summary>Where failed messages go, with the reason in their headers; null for <c>&lt;queue&gt;.dead</c>.</summary>
    public string? DeadLetterQueue { get; init; }
    /// <summary>
    /// The kind of queue declared when the queue is missing: <c>classic</c>, or <c>quorum</c> (replicated over a
    /// RabbitMQ cluster's nodes); null for the broker's default. A queue that exists is consumed as it is.
    /// </summary>
    public string? QueueType { get; init; }
    /// <summary>Whether the channel consumes.</summary>
    public bool IsActive { get; init; } = true;
}
