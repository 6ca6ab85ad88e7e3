using Amqp;
using Integrations.Bus.Consuming;

namespace Integrations.Adapters.Mq;

/// <summary>
/// The AMQP 1.0 transport's inbound side (AMQPNetLite): a receiver link on an address, each message an
/// <see cref="MqInbound"/> settled with accept, release, reject, a send to the dead-letter address, or a reply.
/// </summary>
public sealed class MqListener : IListener
{
    private readonly Session _session;
    private readonly ReceiverLink _receiver;
    private volatile bool _closing;

    private MqListener(Session session, ReceiverLink receiver)
    {
        _session = session;
        _receiver = receiver;
    }

    /// <inheritdoc />
    public bool IsListening => !_closing && !_receiver.IsClosed;

    /// <inheritdoc />
    public event Action<string>? Lost;

    /// <summary>Receives from <paramref name="source"/> on <paramref name="connection"/>.</summary>
    public static MqListener Listen(Connection connection, MqSource source, InboundHandler handler)
    {
        var session = new Session(connection);
        // A durable source: a broker that makes the queue for the address (RabbitMQ does) makes it durable, so what
        // waits in it survives the broker's restart.
        var receiver = new ReceiverLink(session, source.LinkName, new Amqp.Framing.Source { Address = source.Address, Durable = 1 }, null);
        var listener = new MqListener(session, receiver);
        receiver.Closed += (_, error) =>
        {
            if (!listener._closing) listener.Lost?.Invoke(error?.Description ?? "the link was closed");
        };
        receiver.Start(source.Credit, (link, message) => _ = handler(new MqInbound(session, (ReceiverLink)link, message, source)));
        // Credit is given again once the whole credit was used and settled, not at half: a broker that adds a flow's
        // credit to what it still had (RabbitMQ 3's AMQP 1.0 plugin) would otherwise send past it, and the client
        // closes the connection ("no credit to accept a new delivery"), sending every message in flight round again.
        receiver.SetCredit(source.Credit, CreditMode.Auto, flowThreshold: source.Credit);
        return listener;
    }

    /// <inheritdoc />
    public Task StopReceivingAsync()
    {
        _closing = true;
        _receiver.SetCredit(0, autoRestore: false);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            // Unsettled messages are released when the link closes: the broker delivers them again.
            await _receiver.CloseAsync(MqBrokers.CloseTimeout).ConfigureAwait(false);
            await _session.CloseAsync(MqBrokers.CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A link on a connection that is gone: gone anyway.
        }
    }
}
