using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Integrations.Bus.Consuming;

/// <summary>
/// The AMQP 0-9-1 transport's inbound side (RabbitMQ.Client): consumers on a queue, each message an
/// <see cref="AmqpInbound"/> settled with ack, nack, a confirmed move to the dead-letter queue, or a reply.
/// </summary>
public sealed class AmqpListener : IListener
{
    private readonly List<(IChannel Channel, string Tag, AsyncEventingBasicConsumer? Consumer)> _consumers = [];
    private volatile bool _closing;
    private string _queue = "";

    private AmqpListener()
    {
    }

    /// <inheritdoc />
    // A channel the client reopened after it reconnected, but without its consumer, is not listening; nor is one disposed.
    public bool IsListening
    {
        get
        {
            try
            {
                return !_closing && _consumers.Count > 0 && _consumers.All(c => c.Channel.IsOpen && c.Consumer is { IsRunning: true });
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <inheritdoc />
    public event Action<string>? Lost;

    /// <summary>Consumes <paramref name="queue"/> on <paramref name="connection"/>; every consumer is up when this returns, or none is.</summary>
    public static async Task<AmqpListener> ListenAsync(IConnection connection, AmqpQueue queue, InboundHandler handler, CancellationToken cancellation)
    {
        var listener = new AmqpListener();
        try
        {
            for (var i = 0; i < queue.Consumers; i++)
            {
                var confirms = queue.PublishDurable is null && queue.DeadLetterQueue is not null;
                var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: confirms, publisherConfirmationTrackingEnabled: confirms,
                    consumerDispatchConcurrency: (ushort)Math.Clamp(queue.Prefetch, 1, 512)), cancellation).ConfigureAwait(false);
                listener._consumers.Add((channel, "", null));
                var name = queue.Queue;
                if (queue.Exchange is { } exchange)
                {
                    await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
                    name = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellation).ConfigureAwait(false)).QueueName;
                    await channel.QueueBindAsync(name, exchange, "", cancellationToken: cancellation).ConfigureAwait(false);
                }
                else if (queue.Declare)
                {
                    var arguments = AmqpQueue.ArgumentsOf(queue.QueueType);
                    await channel.QueueDeclareAsync(queue.Queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellation).ConfigureAwait(false);
                    if (queue.DeadLetterQueue is { } dead)
                        await channel.QueueDeclareAsync(dead, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellation).ConfigureAwait(false);
                }
                if (queue.Exchange is null && queue.BindTo is { } source)
                {
                    await channel.ExchangeDeclareAsync(source, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
                    await channel.QueueBindAsync(queue.Queue, source, "", cancellationToken: cancellation).ConfigureAwait(false);
                }
                await channel.BasicQosAsync(0, (ushort)Math.Clamp(queue.Prefetch, 1, ushort.MaxValue), false, cancellation).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) => handler(new AmqpInbound(channel, delivery, queue));
                channel.ChannelShutdownAsync += (_, reason) =>
                {
                    // Closed by the broker (a deleted queue, a consumer timeout, the broker stopping) or lost with the
                    // connection (a broker killed, a network cut: the client's side closes it), not by us.
                    if (!listener._closing) listener.Lost?.Invoke(Reason(reason));
                    return Task.CompletedTask;
                };
                consumer.UnregisteredAsync += (_, _) =>
                {
                    // The broker cancelled the consumer (its queue was deleted by hand).
                    if (!listener._closing) listener.Lost?.Invoke($"the broker cancelled the consumer of {name}");
                    return Task.CompletedTask;
                };
                var tag = await channel.BasicConsumeAsync(name, autoAck: false, consumer, cancellation).ConfigureAwait(false);
                listener._queue = name;
                listener._consumers[i] = (channel, tag, consumer);
            }
            return listener;
        }
        catch
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<long?> DepthAsync(CancellationToken cancellation) =>
        !_closing && _consumers.Count > 0 && _consumers[0].Channel is { IsOpen: true } channel && _queue.Length > 0
            ? await channel.MessageCountAsync(_queue, cancellation).ConfigureAwait(false)
            : null;

    /// <inheritdoc />
    public async Task StopReceivingAsync()
    {
        _closing = true;
        foreach (var (channel, tag, _) in _consumers)
            if (channel.IsOpen && tag.Length > 0)
                await channel.BasicCancelAsync(tag).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        foreach (var (channel, _, _) in _consumers)
        {
            try
            {
                // Unacknowledged messages go back to the queue when the channel closes. Bounded: on a connection that
                // is gone the client waits for an answer that never comes (20 s), and listening again would wait too.
                await CloseAsync(channel).WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Closing a channel of a connection that is gone fails: it is gone anyway.
            }
        }
    }

    /// <summary>How long closing one channel may take before it is left to close by itself.</summary>
    public static TimeSpan CloseTimeout { get; } = TimeSpan.FromSeconds(2);

    private static async Task CloseAsync(IChannel channel)
    {
        if (channel.IsOpen) await channel.CloseAsync().ConfigureAwait(false);
        await channel.DisposeAsync().ConfigureAwait(false);
    }

    private static string Reason(ShutdownEventArgs reason) =>
        reason.ReplyText.Contains(" - ", StringComparison.Ordinal) ? reason.ReplyText[(reason.ReplyText.IndexOf(" - ", StringComparison.Ordinal) + 3)..] : reason.ReplyText;

}
