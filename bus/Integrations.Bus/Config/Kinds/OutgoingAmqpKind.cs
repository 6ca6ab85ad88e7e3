using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Outgoing AMQP connections: services publish with <c>ctx.Out.Amqp["NAME"]</c>.</summary>
internal sealed class OutgoingAmqpKind : ConfigKind<OutgoingAmqp>
{
    public OutgoingAmqpKind() : base(31, "Outgoing AMQP connections", "/outgoing/amqp", "name=Invoices connection=Backbone routing_key=invoices.out")
    {
        ListWith("connection", "exchange", "routing_key");
        Refers<ConnectionAmqp>("connection", o => o.Connection, required: true);
    }

    protected override void Check(OutgoingAmqp o, ConfigRules rules, List<FieldError> errors)
    {
        if (o.Exchange.Length > 255) errors.Add(new("exchange", "must be at most 255 characters"));
        if (o.RoutingKey.Length > 255) errors.Add(new("routing_key", "must be at most 255 characters"));
    }
}
