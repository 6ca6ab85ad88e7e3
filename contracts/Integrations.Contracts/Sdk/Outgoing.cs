using Integrations.Runtime;

namespace Integrations;

/// <summary>The outgoing connections a service may use, by name; they are configured apart from any code.</summary>
public sealed class Outgoing
{
    private readonly ServiceContext _context;
    private readonly IOutgoingConnections _connections;

    internal Outgoing(ServiceContext context, IOutgoingConnections connections)
    {
        _context = context;
        _connections = connections;
        Rest = new RestConnections(this);
        Amqp = new AmqpConnections(this);
    }

    /// <summary>Outgoing MQ (AMQP 1.0) connections: <c>ctx.Out.Mq["Ledger"]</c>.</summary>
    public MqConnections Mq => new(this);

    /// <summary>Outgoing MQ connections by name.</summary>
    public readonly struct MqConnections
    {
        private readonly Outgoing _outgoing;
        internal MqConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>.</summary>
        public MqConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }

    /// <summary>Outgoing AMQP connections: <c>ctx.Out.Amqp["Orders"]</c>.</summary>
    public AmqpConnections Amqp { get; }

    /// <summary>Outgoing AMQP connections by name.</summary>
    public sealed class AmqpConnections
    {
        private readonly Outgoing _outgoing;
        internal AmqpConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>.</summary>
        public AmqpConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }

    /// <summary>Outgoing REST connections: <c>ctx.Out.Rest["CRM"]</c>.</summary>
    public RestConnections Rest { get; }

    /// <summary>Outgoing REST connections by name.</summary>
    public sealed class RestConnections
    {
        private readonly Outgoing _outgoing;
        internal RestConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>; using an unknown or inactive one fails the call with a message naming it.</summary>
        public RestConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }
}
