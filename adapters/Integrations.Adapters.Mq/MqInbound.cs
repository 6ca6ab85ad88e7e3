using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;
using Integrations.Bus.Backbone;
using Integrations.Bus.Consuming;
using Integrations.Messages;

namespace Integrations.Adapters.Mq;

/// <summary>A message received on an AMQP 1.0 link, settled on it.</summary>
public sealed class MqInbound : IInbound
{
    private readonly Session _session;
    private readonly ReceiverLink _link;
    private readonly Message _message;
    private readonly MqSource _source;
    private IReadOnlyDictionary<string, string>? _properties;
    private int _settled;

    internal MqInbound(Session session, ReceiverLink link, Message message, MqSource source)
    {
        _session = session;
        _link = link;
        _message = message;
        _source = source;
        Body = Encoding.UTF8.GetBytes(MqMessages.Text(message));
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Body { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties => _properties ??= PropertiesOf(_message);

    /// <inheritdoc />
    public bool CanSettle => !_link.IsClosed;

    /// <inheritdoc />
    public string? MessageId => _message.Properties?.MessageId is { Length: > 0 } id ? id : null;

    /// <inheritdoc />
    public bool Redelivered => _message.Header is { DeliveryCount: > 0 };

    /// <inheritdoc />
    public string? Cid => Properties.TryGetValue("mq.property." + Wire.Cid, out var cid) ? cid : null;

    /// <inheritdoc />
    public string? ReplyTo => _message.Properties?.ReplyTo is { Length: > 0 } replyTo ? replyTo : null;

    /// <inheritdoc />
    public Task CompleteAsync(CancellationToken cancellation)
    {
        if (Settle()) _link.Accept(_message);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeferAsync()
    {
        try
        {
            if (Settle()) _link.Release(_message);
        }
        catch (AmqpException)
        {
            // The link is gone: the broker gives the message again anyway.
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation)
    {
        if (_source.DeadLetterAddress is not { } deadLetters)
        {
            // No dead-letter address of ours: the broker dead-letters it its own way.
            if (Settle()) _link.Reject(_message, new Error(new global::Amqp.Types.Symbol("amqp:internal-error")) { Description = $"{letter.Status}: {letter.Error}" });
            return;
        }
        var moved = MqMessages.Create(Body.ToArray(), _message.Properties?.MessageId, _message.Properties?.CorrelationId, durable: true);
        var original = _message.ApplicationProperties?.Map.Keys.Select(k => new KeyValuePair<string, object?>((string)k, _message.ApplicationProperties[k]));
        foreach (var (key, value) in Wire.DeadLetterHeaders(original, letter)) moved.ApplicationProperties[key] = value;
        await MqMessages.SendDurablyAsync(_session, "esb-dead", deadLetters, moved).ConfigureAwait(false);
        await CompleteAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReplyAsync(ServiceResult result, CancellationToken cancellation)
    {
        if (ReplyTo is not { } replyTo) return;
        // Settled by the broker before the request is.
        await MqMessages.SendDurablyAsync(_session, "esb-reply", replyTo, MqMessages.Answer(result, _message.Properties?.CorrelationId ?? _message.Properties?.MessageId))
            .ConfigureAwait(false);
    }

    private bool Settle() => Interlocked.Exchange(ref _settled, 1) == 0;

    private static Dictionary<string, string> PropertiesOf(Message message)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ServiceContext.RedeliveredProperty] = message.Header is { DeliveryCount: > 0 } ? "true" : "false",
        };
        if (message.Properties is { } p)
        {
            if (p.MessageId is { Length: > 0 } id) values["mq.message_id"] = values[ServiceContext.MessageIdProperty] = id;
            if (p.CorrelationId is { } correlation) values["mq.correlation_id"] = correlation;
            if (p.ReplyTo is { } reply) values["mq.reply_to"] = reply;
            if (p.Subject is { } subject) values["mq.subject"] = subject;
            if (p.To is { } to) values["mq.to"] = to;
        }
        if (message.ApplicationProperties is { } application)
            foreach (var key in application.Map.Keys)
                values["mq.property." + key] = Convert.ToString(application[key], CultureInfo.InvariantCulture) ?? "";
        return values;
    }
}
