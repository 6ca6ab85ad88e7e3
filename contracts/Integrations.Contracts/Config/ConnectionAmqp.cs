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
