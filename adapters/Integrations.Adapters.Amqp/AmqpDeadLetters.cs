using Integrations.Bus.Config;
using Integrations.Bus.Failed;
using Integrations.Config;

namespace Integrations.Adapters.Amqp;

/// <summary>The dead-letter queue of every active AMQP channel (<c>&lt;queue&gt;.dead</c>, or its own), on the channel's broker.</summary>
public sealed class AmqpDeadLetters : IDeadLetterPlaces, IDisposable
{
    private readonly ConfigView _view;
    private readonly AmqpBrokers _brokers;
    private readonly IDisposable _watch;

    /// <summary>Follows the channels and their connections.</summary>
    public AmqpDeadLetters(ConfigView view, AmqpBrokers brokers)
    {
        _view = view;
        _brokers = brokers;
        _watch = view.Watch([typeof(ChannelAmqp), typeof(ConnectionAmqp)], (_, _) => Changed?.Invoke());
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public IEnumerable<DeadLetterPlace> Places()
    {
        foreach (var channel in _view.All<ChannelAmqp>().Where(c => c.IsActive))
        {
            if (_view.Find<ConnectionAmqp>(channel.Connection) is not { } connection) continue;
            var name = channel.Connection;
            yield return new DeadLetterPlace("channel_amqp", channel.Name, channel.Topic is null ? channel.Service : null, connection.Address is null ? null : name,
                AmqpChannels.DeadLetterQueueOf(channel), channel.Queue, channel.QueueType,
                cancellation => _brokers.ConnectAsync(name, cancellation),
                (queue, properties, body, cancellation) => _brokers.PublishConfirmedAsync(name, "", queue, properties, body, cancellation));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _watch.Dispose();
}
