using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Failed;
using Integrations.Bus.Node;
using Integrations.Config;

namespace Integrations.Adapters.PubSub;

/// <summary>The dead-letter queue of every active subscription (<c>esb.sub.&lt;name&gt;.dead</c>), on the backbone.</summary>
public sealed class SubscriptionDeadLetters : IDeadLetterPlaces, IDisposable
{
    private readonly ConfigView _view;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;
    private readonly IDisposable _watch;

    /// <summary>Follows the subscriptions.</summary>
    public SubscriptionDeadLetters(ConfigView view, RabbitBackbone backbone, NodeOptions options)
    {
        _view = view;
        _backbone = backbone;
        _options = options;
        _watch = view.Watch([typeof(PubSubSubscription)], (_, _) => Changed?.Invoke());
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public IEnumerable<DeadLetterPlace> Places() =>
        _view.All<PubSubSubscription>().Where(s => s.IsActive).Select(s => new DeadLetterPlace("pubsub_subscription", s.Name,
            s.DeliverTo == PubSubSubscription.ToService ? s.Service : null, null, Topics.QueueOf(s.Name) + ".dead", Topics.QueueOf(s.Name), _options.QueueType,
            _ => Task.FromResult(_backbone.Connection), _backbone.PublishConfirmedAsync));

    /// <inheritdoc />
    public void Dispose() => _watch.Dispose();
}
