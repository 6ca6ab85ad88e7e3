using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>MQ channels: AMQP 1.0 addresses received into services.</summary>
internal sealed class ChannelMqKind : ConfigKind<ChannelMq>
{
    public ChannelMqKind() : base(42, "MQ channels", "/channels/mq", "name=Ledger connection=Ledger address=LEDGER.IN service=demo.hello")
    {
        ListWith("connection", "address", "service");
        RefersToService("service", q => q.Service);
        Refers<ConnectionMq>("connection", q => q.Connection, required: true);
    }

    protected override void Check(ChannelMq q, ConfigRules rules, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(q.Address)) errors.Add(new("address", "is required: the queue's address on the broker"));
        if (q.Credit is < 1 or > 10_000) errors.Add(new("credit", "must be from 1 to 10000"));
        if (q.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
        if (q.DeadLetterAddress is { } dla && (dla.Length == 0 || dla == q.Address)) errors.Add(new("dead_letter_address", "must be an address other than the channel's, or left out"));
    }
}
