namespace Integrations.Config;

/// <summary>A connection to a RabbitMQ broker (AMQP 0-9-1): the backbone's, or any other.</summary>
[ConfigKind("connection_amqp")]
public sealed record ConnectionAmqp : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary><c>amqp://host:5672/vhost</c> or <c>amqps://…</c> (TLS); null for the backbone's broker.</summary>
    public string? Address { get; init; }
    /// <summary>A basic_auth security definition with the user and password; null for the address's defaults (guest).</summary>
    public string? Security { get; init; }
    /// <summary>Seconds between heartbeats.</summary>
    public int HeartbeatSeconds { get; init; } = 30;
    /// <summary>Whether the broker's TLS certificate is checked (amqps).</summary>
    public bool TlsVerify { get; init; } = true;
    /// <summary>Whether channels and outgoing connections may use it.</summary>
    public bool IsActive { get; init; } = true;
}

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
    /// <summary>Whether the channel consumes.</summary>
    public bool IsActive { get; init; } = true;
}

/// <summary>An outgoing AMQP connection: services publish with <c>ctx.Out.Amqp["NAME"].PublishAsync(…)</c>, with the broker's confirmation.</summary>
[ConfigKind("outgoing_amqp")]
public sealed record OutgoingAmqp : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_amqp of the broker.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The exchange published to; empty for the default exchange (routing key = queue name).</summary>
    public string Exchange { get; init; } = "";
    /// <summary>The routing key when the service gives none.</summary>
    public string RoutingKey { get; init; } = "";
    /// <summary>Whether messages are persistent.</summary>
    public bool Persistent { get; init; } = true;
    /// <summary>Whether calls may use it.</summary>
    public bool IsActive { get; init; } = true;
}
