using Integrations.Runtime;

namespace Integrations;

/// <summary>One outgoing AMQP connection, as a service uses it: publishes with the broker's confirmation.</summary>
public readonly struct AmqpConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal AmqpConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Publishes <paramref name="body"/> (JSON; a string as it is) to the connection's exchange, with
    /// <paramref name="routingKey"/> (else the connection's), extra <paramref name="headers"/> and ids; returns once
    /// the broker confirmed it. The message carries the call's cid in <c>esb-cid</c>.
    /// </summary>
    /// <exception cref="OutgoingCallException">The broker could not be reached or refused the message (502).</exception>
    public Task PublishAsync(object? body, string? routingKey = null, IReadOnlyDictionary<string, string>? headers = null,
        string? messageId = null, string? correlationId = null) =>
        _connections.PublishAmqpAsync(Name, new AmqpMessage(body, routingKey, headers, messageId, correlationId), _context.Scope);
}
