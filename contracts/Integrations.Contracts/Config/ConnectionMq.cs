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
