using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Integrations.Bus.Backbone;
using Integrations.Bus.Consuming;
using Integrations.Bus.Config;
using Integrations.Config;
using RabbitMQ.Client;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Adapters.Amqp;

/// <summary>Publishes for services on outgoing AMQP connections, each message confirmed by the broker.</summary>
public sealed class AmqpOutgoing(ConfigView view, AmqpBrokers brokers, ILogger log)
{
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.General);
    private readonly ConcurrentDictionary<IConnection, (SemaphoreSlim Gate, IChannel Channel)> _channels = new();
    private readonly ILogger _log = log.ForContext("SourceContext", "amqp-out");

    /// <summary>Publishes <paramref name="message"/> on the outgoing connection <paramref name="name"/>.</summary>
    /// <exception cref="OutgoingCallException">Unknown or inactive connection, broker unreachable, or the message refused (502).</exception>
    public async Task PublishAsync(string name, AmqpMessage message, CallScope context)
    {
        var outgoing = view.Find<OutgoingAmqp>(name)
            ?? throw new ServiceException(500, $"no outgoing AMQP connection named '{name}'; create it first (esb outgoing-amqp create name={name} …)");
        if (!outgoing.IsActive) throw new OutgoingCallException(name, "the connection is inactive");
        var body = message.Body switch
        {
            null => [],
            string text => Encoding.UTF8.GetBytes(text),
            var other => JsonSerializer.SerializeToUtf8Bytes(other, other.GetType(), BodyJson),
        };
        var headers = new Dictionary<string, object?> { [Wire.Cid] = context.Cid };
        if (message.Headers is not null) foreach (var (key, value) in message.Headers) headers[key] = value;
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = outgoing.Persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
            MessageId = message.MessageId ?? Guid.NewGuid().ToString("N"),
            CorrelationId = message.CorrelationId,
            Headers = headers,
        };
        var routingKey = message.RoutingKey ?? outgoing.RoutingKey;
        var log = _log.ForContext("Cid", context.Cid);
        log.Information("AMQP out → cid={Cid}; name:{Name}; exchange={Exchange}; routing-key={RoutingKey}; len={Length}",
            context.Cid, name, outgoing.Exchange.Length == 0 ? "(default)" : outgoing.Exchange, routingKey, body.Length);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = await brokers.ConnectAsync(outgoing.Connection, context.Cancellation).ConfigureAwait(false);
            var (gate, channel) = await ChannelAsync(connection, context.Cancellation).ConfigureAwait(false);
            await gate.WaitAsync(context.Cancellation).ConfigureAwait(false);
            try
            {
                await channel.BasicPublishAsync(outgoing.Exchange, routingKey, mandatory: true, properties, body, context.Cancellation).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (RabbitMQ.Client.Exceptions.PublishReturnException)
        {
            throw new OutgoingCallException(name, $"the broker could not route the message (exchange '{outgoing.Exchange}', routing key '{routingKey}'): no queue is bound for it");
        }
        catch (Exception e) when (e is not OperationCanceledException and not ServiceException)
        {
            var reason = AmqpErrors.Explain(e);
            log.Warning("AMQP out ← cid={Cid}; {Name} failed: {Reason}", context.Cid, name, reason);
            throw new OutgoingCallException(name, reason);
        }
        log.Information("AMQP out ← cid={Cid}; confirmed time={Time:0.###}ms", context.Cid, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<(SemaphoreSlim, IChannel)> ChannelAsync(IConnection connection, CancellationToken cancellation)
    {
        if (_channels.TryGetValue(connection, out var existing) && existing.Channel.IsOpen) return existing;
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellation)
            .ConfigureAwait(false);
        var entry = (new SemaphoreSlim(1, 1), channel);
        _channels[connection] = entry;
        // The channels of connections lost since are gone with them.
        foreach (var old in _channels.Keys)
            if (!old.IsOpen && _channels.TryRemove(old, out var gone)) await gone.Channel.DisposeAsync().ConfigureAwait(false);
        return entry;
    }
}
