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
        Bus.Telemetry.EsbTelemetry.AddTo(headers);
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
            await brokers.PublishConfirmedAsync(outgoing.Connection, outgoing.Exchange, routingKey, properties, body, context.Cancellation).ConfigureAwait(false);
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
}
