using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Failed;
using Integrations.Bus.Node;
using Integrations.Config;

namespace Integrations.Adapters.Mq;

/// <summary>
/// The backbone's dead-letter queue of every active MQ channel without a dead-letter address of its own
/// (<c>esb.channel_mq.&lt;name&gt;.dead</c>); a retry sends a message back to the backbone's queue of the channel, where
/// a worker runs it. Messages kept at a channel's own dead-letter address stay on its broker.
/// </summary>
public sealed class MqDeadLetters : IDeadLetterPlaces, IDisposable
{
    private readonly ConfigView _view;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;
    private readonly IDisposable _watch;

    /// <summary>Follows the channels.</summary>
    public MqDeadLetters(ConfigView view, RabbitBackbone backbone, NodeOptions options)
    {
        _view = view;
        _backbone = backbone;
        _options = options;
        _watch = view.Watch([typeof(ChannelMq)], (_, _) => Changed?.Invoke());
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public IEnumerable<DeadLetterPlace> Places() =>
        _view.All<ChannelMq>().Where(c => c.IsActive && c.DeadLetterAddress is null).Select(c => new DeadLetterPlace("channel_mq", c.Name, c.Service, null,
            MqChannels.HeldQueueOf(c) + ".dead", MqChannels.HeldQueueOf(c), _options.QueueType,
            _ => Task.FromResult(_backbone.Connection), _backbone.PublishConfirmedAsync));

    /// <inheritdoc />
    public void Dispose() => _watch.Dispose();
}
