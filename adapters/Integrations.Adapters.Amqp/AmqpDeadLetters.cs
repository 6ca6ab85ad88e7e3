using Integrations.Bus.Config;
using Integrations.Bus.Failed;
using Integrations.Config;

namespace Integrations.Adapters.Amqp;

/// <summary>The dead-letter queue of every active AMQP channel (<c>&lt;queue&gt;.dead</c>, or its own), on the channel's broker.</summary>
public sealed class AmqpDeadLetters(ConfigView view, AmqpBrokers brokers) : ConfiguredDeadLetters(view, typeof(ChannelAmqp), typeof(ConnectionAmqp))
{
    /// <inheritdoc />
    public override IEnumerable<DeadLetterPlace> Places()
    {
        foreach (var channel in View.All<ChannelAmqp>().Where(c => c.IsActive))
        {
            if (View.Find<ConnectionAmqp>(channel.Connection) is not { } connection) continue;
            var name = channel.Connection;
            yield return new DeadLetterPlace("channel_amqp", channel.Name, channel.Topic is null ? channel.Service : null, connection.Address is null ? null : name,
                AmqpChannels.DeadLetterQueueOf(channel), channel.Queue, channel.QueueType,
                cancellation => brokers.ConnectAsync(name, cancellation),
                (queue, properties, body, cancellation) => brokers.PublishConfirmedAsync(name, "", queue, properties, body, cancellation));
        }
    }
}
