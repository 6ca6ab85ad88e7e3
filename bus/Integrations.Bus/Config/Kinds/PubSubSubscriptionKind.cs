using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Subscriptions to topics: every message delivered at least once, through a durable queue of its own.</summary>
internal sealed class PubSubSubscriptionKind : ConfigKind<PubSubSubscription>
{
    public PubSubSubscriptionKind() : base(51, "Subscriptions", "/pubsub/subscriptions", "name=greeter topic=orders.placed deliver_to=service service=demo.hello")
    {
        ListWith("topic", "deliver_to");
        DescribeAs("TARGET");
        Refers<PubSubTopic>("topic", p => p.Topic, required: true);
        RefersToService("service", p => p.Service, when: p => p.DeliverTo == PubSubSubscription.ToService);
        Refers<OutgoingAmqp>("outgoing", p => p.Outgoing, required: true, when: p => p.DeliverTo == PubSubSubscription.ToAmqp);
        Refers<OutgoingRest>("outgoing", p => p.Outgoing, required: true, when: p => p.DeliverTo == PubSubSubscription.ToRest);
    }

    protected override string? Describe(PubSubSubscription p) => p.DeliverTo switch
    {
        PubSubSubscription.ToService => $"to {p.Service}",
        PubSubSubscription.ToWebSocket => "to the topic's WebSocket clients",
        _ => $"to {p.Outgoing}",
    };

    protected override void Check(PubSubSubscription p, ConfigRules rules, List<FieldError> errors)
    {
        if (!PubSubTopicKind.PlainName().IsMatch(p.Name)) errors.Add(new("name", "a subscription's name is letters, digits, '.', '_' and '-' (its queue is esb.sub.<name>)"));
        if (p.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
        if (!PubSubSubscription.Deliveries.Contains(p.DeliverTo))
            errors.Add(new("deliver_to", $"'{p.DeliverTo}' is not a delivery; use one of {string.Join(", ", PubSubSubscription.Deliveries)}"));
    }
}
