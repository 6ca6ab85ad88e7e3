namespace Integrations.Config;

/// <summary>
/// An MQ channel: receives from an address (a queue) and invokes a service with each message, settling it only after
/// the service finished. A failed message is tried again, then sent to the dead-letter address with the reason
/// (or, without one, rejected, for the broker's own dead-lettering).
/// </summary>
[ConfigKind("channel_mq")]
public sealed record ChannelMq : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_mq.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The source address: <c>DEV.QUEUE.1</c> (IBM MQ), <c>orders</c> (Artemis, ActiveMQ, Service Bus), <c>/amq/queue/orders</c> or <c>/queue/orders</c> (RabbitMQ).</summary>
    public string Address { get; init; } = "";
    /// <summary>The service each message invokes.</summary>
    public string Service { get; init; } = "";
    /// <summary>Messages held at a time (link credit).</summary>
    public int Credit { get; init; } = 10;
    /// <summary>Tries after a failed one (5xx).</summary>
    public int Retries { get; init; } = 2;
    /// <summary>Where failed messages are sent with the reason; null rejects them for the broker to dead-letter.</summary>
    public string? DeadLetterAddress { get; init; }
    /// <summary>Whether the channel receives.</summary>
    public bool IsActive { get; init; } = true;
}
