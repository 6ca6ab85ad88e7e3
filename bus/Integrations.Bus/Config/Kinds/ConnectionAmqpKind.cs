using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Connections to RabbitMQ brokers, for AMQP channels and outgoing connections.</summary>
internal sealed class ConnectionAmqpKind : ConfigKind<ConnectionAmqp>
{
    public ConnectionAmqpKind() : base(20, "AMQP connections", "/connections/amqp", "name=Partner address=amqp://mq.example.com:5672/orders security=\"Partner MQ\"")
    {
        ListWith("security");
        DescribeAs("BROKER");
        Refers<SecurityDefinition>("security", c => c.Security, refuse: BrokerLogin);
    }

    /// <summary>A broker's user and password are a basic_auth definition.</summary>
    internal static string? BrokerLogin(SecurityDefinition d) =>
        d.Type == SecurityDefinition.BasicAuth ? null : $"is {d.Type}; a broker's user and password are a basic_auth definition";

    protected override string? Describe(ConnectionAmqp c) => c.Address ?? "the backbone's broker";

    protected override void Check(ConnectionAmqp c, ConfigRules rules, List<FieldError> errors)
    {
        if (c.Address is { } address)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
                errors.Add(new("address", $"'{address}' is not an amqp:// or amqps:// address (amqp://host:5672/vhost), or leave it out for the backbone's broker"));
            else if (uri.UserInfo.Length > 0)
                errors.Add(new("address", "must not carry a user or password; put them in a basic_auth security definition"));
        }
        if (c.HeartbeatSeconds is < 1 or > 3600) errors.Add(new("heartbeat_seconds", "must be from 1 to 3600"));
    }
}
