using Integrations.Bus.Backbone;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Integrations.Bus.Consuming;

/// <summary>A message received from an AMQP 0-9-1 queue, settled on the channel it came on.</summary>
public sealed class AmqpInbound : IInbound
{
    private readonly IChannel _channel;
    private readonly AmqpQueue _queue;
    private IReadOnlyDictionary<string, string>? _properties;
    private int _settled;

    internal AmqpInbound(IChannel channel, BasicDeliverEventArgs delivery, AmqpQueue queue)
    {
        _channel = channel;
        _queue = queue;
        Delivery = delivery;
    }

    /// <summary>The delivery as RabbitMQ.Client gives it.</summary>
    public BasicDeliverEventArgs Delivery { get; }

    /// <summary>The channel it came on (for a reply that must go on it).</summary>
    public IChannel Channel => _channel;

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Body => Delivery.Body;

    /// <inheritdoc />
    public bool CanSettle => _channel.IsOpen;

    /// <inheritdoc />
    public string? MessageId => Delivery.BasicProperties.MessageId is { Length: > 0 } id ? id : null;

    /// <inheritdoc />
    public bool Redelivered => Delivery.Redelivered;

    /// <inheritdoc />
    public string? Cid => Wire.Text(Delivery.BasicProperties.Headers, Wire.Cid);

    /// <inheritdoc />
    public string? ReplyTo => Delivery.BasicProperties.ReplyTo is { Length: > 0 } replyTo ? replyTo : null;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties => _properties ??= PropertiesOf(Delivery);

    /// <inheritdoc />
    public Task CompleteAsync(CancellationToken cancellation) =>
        Settle() ? _channel.BasicAckAsync(Delivery.DeliveryTag, multiple: false, cancellation).AsTask() : Task.CompletedTask;

    /// <inheritdoc />
    public Task DeferAsync() =>
        Settle() && _channel.IsOpen ? _channel.BasicNackAsync(Delivery.DeliveryTag, multiple: false, requeue: true).AsTask() : Task.CompletedTask;

    /// <inheritdoc />
    public async Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation)
    {
        var moved = Wire.DeadLetterCopy(Delivery.BasicProperties, Delivery.RoutingKey, letter);
        var queue = _queue.DeadLetterQueue ?? throw new InvalidOperationException($"{_queue.Queue} has no dead-letter queue");
        // Confirmed by the broker before the original is acknowledged: nothing is lost between the two.
        if (_queue.PublishDurable is { } publish) await publish(queue, moved, Delivery.Body, cancellation).ConfigureAwait(false);
        else await _channel.BasicPublishAsync("", queue, mandatory: true, moved, Delivery.Body, cancellation).ConfigureAwait(false);
        await CompleteAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReplyAsync(ServiceResult result, CancellationToken cancellation)
    {
        if (ReplyTo is not { } replyTo) return;
        var (properties, body) = Wire.Answer(result, Delivery.BasicProperties.CorrelationId ?? Delivery.BasicProperties.MessageId, _queue.PersistentReplies);
        properties.ContentType = "application/json";
        // A persistent reply is confirmed by the broker before the request is acknowledged: an answer is not lost
        // in a broker restart once its request is gone.
        if (_queue.PersistentReplies && _queue.PublishDurable is { } publish) await publish(replyTo, properties, body, cancellation).ConfigureAwait(false);
        else await _channel.BasicPublishAsync("", replyTo, mandatory: false, properties, body, cancellation).ConfigureAwait(false);
    }

    private bool Settle() => Interlocked.Exchange(ref _settled, 1) == 0;

    private static Dictionary<string, string> PropertiesOf(BasicDeliverEventArgs delivery)
    {
        var p = delivery.BasicProperties;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["amqp.routing_key"] = delivery.RoutingKey,
            ["amqp.exchange"] = delivery.Exchange,
            ["amqp.redelivered"] = delivery.Redelivered ? "true" : "false",
            [ServiceContext.RedeliveredProperty] = delivery.Redelivered ? "true" : "false",
        };
        if (p.MessageId is { Length: > 0 } id) values["amqp.message_id"] = values[ServiceContext.MessageIdProperty] = id;
        if (p.CorrelationId is { } correlation) values["amqp.correlation_id"] = correlation;
        if (p.ReplyTo is { } reply) values["amqp.reply_to"] = reply;
        if (p.ContentType is { } type) values["amqp.content_type"] = type;
        if (p.Headers is not null)
            foreach (var (key, _) in p.Headers)
                if (Wire.Text(p.Headers, key) is { } text) values["amqp.header." + key] = text;
        return values;
    }
}
