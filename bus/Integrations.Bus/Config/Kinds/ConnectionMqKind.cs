using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Connections to MQ brokers over AMQP 1.0 (IBM MQ, ActiveMQ, Artemis, Azure Service Bus, RabbitMQ's amqp1_0).</summary>
internal sealed class ConnectionMqKind : ConfigKind<ConnectionMq>
{
    public ConnectionMqKind() : base(21, "MQ connections", "/connections/mq", "name=Ledger address=amqp://mq.example.com:5672 security=\"Ledger MQ\"")
    {
        ListWith("address", "security");
        Refers<SecurityDefinition>("security", c => c.Security, refuse: ConnectionAmqpKind.BrokerLogin);
    }

    protected override void Check(ConnectionMq q, ConfigRules rules, List<FieldError> errors)
    {
        if (!Uri.TryCreate(q.Address, UriKind.Absolute, out var mq) || mq.Scheme is not ("amqp" or "amqps"))
            errors.Add(new("address", $"'{q.Address}' is not an amqp:// or amqps:// address (amqp://host:5672)"));
        else if (mq.UserInfo.Length > 0) errors.Add(new("address", "must not carry a user or password; put them in a basic_auth security definition"));
    }
}
