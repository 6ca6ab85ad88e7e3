using Integrations.Runtime;

namespace Integrations;

/// <summary>One outgoing MQ (AMQP 1.0) connection, as a service uses it.</summary>
public readonly struct MqConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal MqConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>Sends <paramref name="body"/> (JSON; a string as it is) to the connection's address, with application properties and ids; returns once the broker accepted it.</summary>
    /// <exception cref="OutgoingCallException">The broker could not be reached or refused the message (502).</exception>
    public Task SendAsync(object? body, IReadOnlyDictionary<string, string>? properties = null, string? messageId = null, string? correlationId = null) =>
        _connections.SendMqAsync(Name, new AmqpMessage(body, null, properties, messageId, correlationId), _context.Scope);
}
