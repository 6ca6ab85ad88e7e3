using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Outgoing MQ connections: services send with <c>ctx.Out.Mq["NAME"]</c>.</summary>
internal sealed class OutgoingMqKind : ConfigKind<OutgoingMq>
{
    public OutgoingMqKind() : base(32, "Outgoing MQ connections", "/outgoing/mq", "name=LedgerOut connection=Ledger address=LEDGER.OUT")
    {
        ListWith("connection", "address");
        Refers<ConnectionMq>("connection", o => o.Connection, required: true);
    }

    protected override void Check(OutgoingMq q, ConfigRules rules, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(q.Address)) errors.Add(new("address", "is required: the target queue or topic"));
    }
}
