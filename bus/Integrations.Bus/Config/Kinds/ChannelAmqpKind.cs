using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>AMQP channels: queues consumed into services.</summary>
internal sealed partial class ChannelAmqpKind : ConfigKind<ChannelAmqp>
{
    public ChannelAmqpKind() : base(41, "AMQP channels", "/channels/amqp", "name=Orders connection=Backbone queue=orders.in service=demo.hello")
    {
        ListWith("connection", "queue", "service");
        RefersToService("service", a => a.Service, when: a => a.Topic is null);
        Refers<PubSubTopic>("topic", a => a.Topic, when: a => a.Topic is not null);
        Refers<ConnectionAmqp>("connection", a => a.Connection, required: true);
    }

    protected override void Check(ChannelAmqp a, ConfigRules rules, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(a.Queue) || a.Queue.Length > 255) errors.Add(new("queue", "is required: the queue's name (at most 255 characters)"));
        else if (a.Queue.StartsWith("amq.", StringComparison.Ordinal)) errors.Add(new("queue", "names starting with amq. are the broker's own"));
        if (a.Topic is not null && !string.IsNullOrEmpty(a.Service))
            errors.Add(new("topic", "a channel either invokes a service or feeds a topic: give service or topic, not both"));
        if (a.Format is not ("json" or "masstransit"))
            errors.Add(new("format", $"'{a.Format}' is not a format: json (the body is the input) or masstransit (MassTransit's envelope)"));
        if (a.ResponseType is { } response && (a.Format != "masstransit" || !MessageType().IsMatch(response)))
            errors.Add(new("response_type", a.Format != "masstransit"
                ? "is for format masstransit only"
                : $"'{response}' is not a MassTransit message type: namespace:type, e.g. Acme.Billing.Contracts:BalanceResult"));
        if (a.Exchange is { } exchange && (exchange.Length is 0 or > 255 || exchange.StartsWith("amq.", StringComparison.Ordinal)))
            errors.Add(new("exchange", "must be an exchange's name (at most 255 characters, not the broker's own amq.*), or left out"));
        if (a.Prefetch is < 1 or > 10_000) errors.Add(new("prefetch", "must be from 1 to 10000"));
        if (a.Consumers is < 1 or > 64) errors.Add(new("consumers", "must be from 1 to 64"));
        if (a.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
        if (a.DeadLetterQueue is { } dead && (dead.Length is 0 or > 255 || dead == a.Queue))
            errors.Add(new("dead_letter_queue", "must be a queue name other than the channel's queue, or left out for <queue>.dead"));
        if (a.QueueType is { } type && type is not ("classic" or "quorum"))
            errors.Add(new("queue_type", $"'{type}' is not a queue type: classic or quorum, or left out for the broker's default"));
        if (rules.View.All<ChannelAmqp>().FirstOrDefault(o => o.Name != a.Name && o.Connection == a.Connection && o.Queue == a.Queue) is { } other)
            errors.Add(new("queue", $"channel_amqp '{other.Name}' consumes {a.Queue} on the same connection already"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.+`\[\],]*$")]
    private static partial System.Text.RegularExpressions.Regex MessageType();
}
