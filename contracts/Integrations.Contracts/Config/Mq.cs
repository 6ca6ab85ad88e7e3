namespace Integrations.Config;

/// <summary>
/// A connection to a message broker over AMQP 1.0: IBM MQ's AMQP channels, ActiveMQ, Artemis, Azure Service Bus, or
/// RabbitMQ's amqp1_0 plugin.
/// </summary>
[ConfigKind("connection_mq")]
public sealed record ConnectionMq : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary><c>amqp://host:5672</c>, or <c>amqps://host:5671</c> for TLS.</summary>
    public string Address { get; init; } = "";
    /// <summary>A basic_auth security definition with the user and password (for Azure Service Bus: the key name and the key); null for none.</summary>
    public string? Security { get; init; }
    /// <summary>Whether channels and outgoing connections may use it.</summary>
    public bool IsActive { get; init; } = true;
}

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

/// <summary>An outgoing MQ connection: services send with <c>ctx.Out.Mq["NAME"].SendAsync(…)</c>; a send returns once the broker accepted the message.</summary>
[ConfigKind("outgoing_mq")]
public sealed record OutgoingMq : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_mq.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The target address (a queue or topic).</summary>
    public string Address { get; init; } = "";
    /// <summary>Whether messages are durable.</summary>
    public bool Durable { get; init; } = true;
    /// <summary>Whether calls may use it.</summary>
    public bool IsActive { get; init; } = true;
}
