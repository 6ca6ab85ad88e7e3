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
public sealed class MqDeadLetters(ConfigView view, RabbitBackbone backbone, NodeOptions options) : ConfiguredDeadLetters(view, typeof(ChannelMq))
{
    /// <inheritdoc />
    public override IEnumerable<DeadLetterPlace> Places() =>
        View.All<ChannelMq>().Where(c => c.IsActive && c.DeadLetterAddress is null).Select(c => DeadLetterPlace.OnBackbone("channel_mq", c.Name, c.Service,
            MqChannels.HeldQueueOf(c) + ".dead", MqChannels.HeldQueueOf(c), backbone, options));
}
