using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Failed;
using Integrations.Bus.Node;
using Integrations.Config;

namespace Integrations.Adapters.PubSub;

/// <summary>The dead-letter queue of every active subscription (<c>esb.sub.&lt;name&gt;.dead</c>), on the backbone.</summary>
public sealed class SubscriptionDeadLetters(ConfigView view, RabbitBackbone backbone, NodeOptions options) : ConfiguredDeadLetters(view, typeof(PubSubSubscription))
{
    /// <inheritdoc />
    public override IEnumerable<DeadLetterPlace> Places() =>
        View.All<PubSubSubscription>().Where(s => s.IsActive).Select(s => DeadLetterPlace.OnBackbone("pubsub_subscription", s.Name,
            s.DeliverTo == PubSubSubscription.ToService ? s.Service : null, Topics.QueueOf(s.Name) + ".dead", Topics.QueueOf(s.Name), backbone, options));
}
