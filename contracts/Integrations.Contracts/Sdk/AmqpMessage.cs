namespace Integrations;

/// <summary>What a service publishes on an outgoing AMQP connection.</summary>
public sealed record AmqpMessage(object? Body, string? RoutingKey, IReadOnlyDictionary<string, string>? Headers, string? MessageId, string? CorrelationId);
