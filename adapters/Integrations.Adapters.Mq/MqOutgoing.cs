using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amqp;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Config;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Adapters.Mq;

/// <summary>Sends for services on outgoing MQ connections; a send returns once the broker accepted the message.</summary>
public sealed class MqOutgoing(ConfigView view, MqBrokers brokers, ILogger log)
{
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.General);
    private readonly ConcurrentDictionary<(Connection, string), SenderLink> _senders = new();
    private readonly ILogger _log = log.ForContext("SourceContext", "mq-out");

    /// <summary>Sends <paramref name="message"/> on the outgoing connection <paramref name="name"/>.</summary>
    /// <exception cref="OutgoingCallException">Unknown or inactive connection, broker unreachable, or the message refused (502).</exception>
    public async Task SendAsync(string name, AmqpMessage message, CallScope context)
    {
        var outgoing = view.Find<OutgoingMq>(name)
            ?? throw new ServiceException(500, $"no outgoing MQ connection named '{name}'; create it first (esb outgoing-mq create name={name} …)");
        if (!outgoing.IsActive) throw new OutgoingCallException(name, "the connection is inactive");
        var body = message.Body switch
        {
            null => [],
            string text => Encoding.UTF8.GetBytes(text),
            var other => JsonSerializer.SerializeToUtf8Bytes(other, other.GetType(), BodyJson),
        };
        var amqp = MqMessages.Create(body, message.MessageId ?? Guid.NewGuid().ToString("N"), message.CorrelationId, outgoing.Durable);
        amqp.ApplicationProperties[Wire.Cid] = context.Cid;
        if (message.Headers is not null) foreach (var (key, value) in message.Headers) amqp.ApplicationProperties[key] = value;
        if (Bus.Telemetry.EsbTelemetry.Outgoing() is { TraceParent: { } parent } trace)
        {
            amqp.ApplicationProperties[Bus.Telemetry.EsbTelemetry.TraceParentHeader] = parent;
            if (trace.TraceState is { } state) amqp.ApplicationProperties[Bus.Telemetry.EsbTelemetry.TraceStateHeader] = state;
        }
        var log = _log.ForContext("Cid", context.Cid);
        log.Information("MQ out → cid={Cid}; name:{Name}; address={Address}; len={Length}", context.Cid, name, outgoing.Address, body.Length);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = await brokers.ConnectAsync(outgoing.Connection).ConfigureAwait(false);
            var sender = _senders.AddOrUpdate((connection, outgoing.Address),
                key => Sender(key.Item1, name, key.Item2, outgoing.Durable),
                (key, existing) => existing.IsClosed ? Sender(key.Item1, name, key.Item2, outgoing.Durable) : existing);
            await sender.SendAsync(amqp).WaitAsync(TimeSpan.FromSeconds(30), context.Cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ServiceException)
        {
            log.Warning("MQ out ← cid={Cid}; {Name} failed: {Reason}", context.Cid, name, e.Message);
            throw new OutgoingCallException(name, e is TimeoutException ? "the broker did not accept the message within 30 s" : e.Message);
        }
        log.Information("MQ out ← cid={Cid}; accepted time={Time:0.###}ms", context.Cid, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // Durable messages go to a durable terminus: a broker that makes the address's queue (RabbitMQ) makes it durable.
    private static SenderLink Sender(Connection connection, string name, string address, bool durable) =>
        new(new Session(connection), "esb-out-" + name, new Amqp.Framing.Target { Address = address, Durable = durable ? 1u : 0u }, null);
}
