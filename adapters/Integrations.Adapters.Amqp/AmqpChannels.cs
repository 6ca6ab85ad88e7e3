using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Bus.Outgoing;
using Integrations.Bus.Transports.Amqp;
using Integrations.Bus.Transports.Mq;
using Integrations.Config;
using Integrations.Messages;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Adapters.Amqp;

/// <summary>
/// Runs the AMQP channels on a node with the edge role: for each active <see cref="ChannelAmqp"/>, consumers on its
/// queue that invoke the service through the backbone and acknowledge a message only after the service finished.
/// A failed message (5xx) is tried again, then moved, as any refused one (4xx), to the dead-letter queue with the
/// reason in its headers, confirmed by the broker before the original is acknowledged: nothing is lost. Channels
/// start, stop and restart as their definitions (or their connections) change.
/// </summary>
public sealed class AmqpChannels(ConfigView view, AmqpBrokers brokers, ServiceClient client, ILogger log) : BackgroundService
{
    private static readonly string Kind = ConfigKinds.NameOf(typeof(ChannelAmqp));
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private readonly Dictionary<string, (ChannelAmqp Definition, List<IChannel> Channels)> _running = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "amqp-channel");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _retrying = new(StringComparer.Ordinal);
    private CancellationToken _stopping;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        view.Changed += OnChanged;
        brokers.Replaced += OnConnectionReplaced;
        foreach (var channel in view.All<ChannelAmqp>()) _pending.Writer.TryWrite(channel.Name);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        view.Changed -= OnChanged;
        brokers.Replaced -= OnConnectionReplaced;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in _running.Keys.ToList()) await StopChannelAsync(name).ConfigureAwait(false);
    }

    private void OnChanged(string kind, string name, IConfigObject? value)
    {
        if (kind == Kind) _pending.Writer.TryWrite(name);
    }

    private void OnConnectionReplaced(string connection)
    {
        foreach (var channel in view.All<ChannelAmqp>().Where(c => c.Connection == connection)) _pending.Writer.TryWrite(channel.Name);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await foreach (var name in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var wanted = view.Find<ChannelAmqp>(name);
                if (_running.TryGetValue(name, out var running) && wanted is not null && ConfigView.SameContent(running.Definition, wanted)
                    && running.Channels.All(c => c.IsOpen)) continue;
                await StopChannelAsync(name).ConfigureAwait(false);
                if (wanted is not { IsActive: true }) continue;
                try
                {
                    await StartChannelAsync(wanted, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One retry at a time per channel, however many of its consumers saw the connection go.
                    if (!_retrying.TryAdd(name, true)) continue;
                    _log.Error("channel_amqp {Name}: cannot consume {Queue} ({Reason}); trying again in 5 s", name, wanted.Queue, AmqpBrokers.Explain(e));
                    _ = Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(delay =>
                    {
                        _retrying.TryRemove(name, out var _);
                        _pending.Writer.TryWrite(name);
                    }, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    private async Task StartChannelAsync(ChannelAmqp definition, CancellationToken cancellation)
    {
        var connection = await brokers.ConnectAsync(definition.Connection, cancellation).ConfigureAwait(false);
        var channels = new List<IChannel>();
        try
        {
            await ConsumeAsync(definition, connection, channels, cancellation).ConfigureAwait(false);
        }
        catch
        {
            // Recorded as running only once every consumer is: a half-made channel would look healthy to the retry
            // ("all of its consumers are open") and never consume again.
            await CloseAsync(definition.Name, channels).ConfigureAwait(false);
            throw;
        }
        _running[definition.Name] = (definition, channels);
        _log.Information("channel_amqp {Name}: consuming {Queue} on {Broker} into {Service} ({Consumers}×{Prefetch})",
            definition.Name, definition.Queue, brokers.Describe(view.Find<ConnectionAmqp>(definition.Connection)!), definition.Service, definition.Consumers, definition.Prefetch);
    }

    private async Task ConsumeAsync(ChannelAmqp definition, IConnection connection, List<IChannel> channels, CancellationToken cancellation)
    {
        var dead = DeadLetterQueue(definition);
        for (var i = 0; i < definition.Consumers; i++)
        {
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                consumerDispatchConcurrency: (ushort)Math.Clamp(definition.Prefetch, 1, 512)), cancellation).ConfigureAwait(false);
            channels.Add(channel);
            await channel.QueueDeclareAsync(definition.Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
            await channel.QueueDeclareAsync(dead, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
            await channel.BasicQosAsync(0, (ushort)Math.Clamp(definition.Prefetch, 1, ushort.MaxValue), false, cancellation).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => HandleAsync(definition, channel, delivery);
            channel.ChannelShutdownAsync += (_, reason) =>
            {
                // Closed by the broker (not by us or a lost connection, which the client recovers): consume again.
                if (reason.Initiator == ShutdownInitiator.Peer && !_stopping.IsCancellationRequested) _pending.Writer.TryWrite(definition.Name);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(definition.Queue, autoAck: false, consumer, cancellation).ConfigureAwait(false);
        }
    }

    private async Task StopChannelAsync(string name)
    {
        if (!_running.Remove(name, out var running)) return;
        await CloseAsync(name, running.Channels).ConfigureAwait(false);
        _log.Information("channel_amqp {Name}: stopped consuming {Queue}", name, running.Definition.Queue);
    }

    private async Task CloseAsync(string name, List<IChannel> channels)
    {
        foreach (var channel in channels)
        {
            try
            {
                // Unacknowledged messages go back to the queue when the channel closes.
                if (channel.IsOpen) await channel.CloseAsync().ConfigureAwait(false);
                await channel.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _log.Debug(e, "channel_amqp {Name}: closing a consumer failed", name);
            }
        }
    }

    private static string DeadLetterQueue(ChannelAmqp definition) => definition.DeadLetterQueue ?? definition.Queue + ".dead";

    private async Task HandleAsync(ChannelAmqp definition, IChannel channel, BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var incomingCid = Text(properties.Headers, "esb-cid");
        var cid = Cid.IsAcceptable(incomingCid) ? incomingCid! : Cid.New();
        var log = _log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        log.Information("AMQP cha → cid={Cid}; queue={Queue}; name={Name}; routing-key={RoutingKey}; len={Length}",
            cid, definition.Queue, definition.Name, delivery.RoutingKey, delivery.Body.Length);
        var call = new InvokeService
        {
            Service = definition.Service,
            Cid = cid,
            Input = Input(delivery.Body.Span),
            Channel = definition.Name,
            Caller = "queue:" + definition.Queue,
            Properties = PropertiesOf(delivery),
        };
        ServiceResult result;
        var attempt = 0;
        while (true)
        {
            result = await client.InvokeAsync(call with { Deadline = default }, _stopping).ConfigureAwait(false);
            if (result.Status < 500 || attempt >= definition.Retries || _stopping.IsCancellationRequested) break;
            attempt++;
            log.Warning("channel_amqp {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})", definition.Name, definition.Service, result.Status, attempt, definition.Retries);
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _stopping).ConfigureAwait(false);
        }

        try
        {
            if (result.Status < 400)
            {
                if (properties.ReplyTo is { Length: > 0 } replyTo)
                {
                    var answer = new BasicProperties
                    {
                        ContentType = "application/json",
                        CorrelationId = properties.CorrelationId ?? properties.MessageId,
                        Headers = new Dictionary<string, object?> { ["esb-cid"] = cid, ["esb-status"] = result.Status },
                    };
                    await channel.BasicPublishAsync("", replyTo, mandatory: false, answer, Encoding.UTF8.GetBytes(result.Output ?? "null")).ConfigureAwait(false);
                }
            }
            else
            {
                var headers = properties.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(properties.Headers);
                headers["esb-cid"] = cid;
                headers["esb-status"] = result.Status;
                headers["esb-error"] = result.Error ?? "failed";
                headers["esb-channel"] = definition.Name;
                headers["esb-failed-at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                headers["esb-attempts"] = attempt + 1;
                headers["esb-routing-key"] = delivery.RoutingKey;
                var moved = new BasicProperties
                {
                    ContentType = properties.ContentType,
                    MessageId = properties.MessageId,
                    CorrelationId = properties.CorrelationId,
                    DeliveryMode = DeliveryModes.Persistent,
                    Headers = headers,
                };
                await channel.BasicPublishAsync("", DeadLetterQueue(definition), mandatory: true, moved, delivery.Body).ConfigureAwait(false);
                log.Warning("channel_amqp {Name}: {Service} answered {Status} ({Error}); the message is kept in {DeadLetterQueue}",
                    definition.Name, definition.Service, result.Status, result.Error, DeadLetterQueue(definition));
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
            log.Information("AMQP cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            // Not acknowledged: the broker gives the message again (to this node or another) when the channel closes.
            log.Error(e, "channel_amqp {Name}: the message could not be settled; it stays in {Queue}", definition.Name, definition.Queue);
            if (channel.IsOpen) await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true).ConfigureAwait(false);
        }
    }

    // A JSON object is the input as it is; anything else arrives as {"body": …}.
    private static string Input(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return "{}";
        var text = Encoding.UTF8.GetString(body);
        try
        {
            var node = JsonNode.Parse(text);
            return node is JsonObject ? text : new JsonObject { ["body"] = node }.ToJsonString();
        }
        catch (JsonException)
        {
            return new JsonObject { ["body"] = text }.ToJsonString();
        }
    }

    private static Dictionary<string, string> PropertiesOf(BasicDeliverEventArgs delivery)
    {
        var p = delivery.BasicProperties;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["amqp.routing_key"] = delivery.RoutingKey,
            ["amqp.exchange"] = delivery.Exchange,
            ["amqp.redelivered"] = delivery.Redelivered ? "true" : "false",
        };
        if (p.MessageId is { } id) values["amqp.message_id"] = id;
        if (p.CorrelationId is { } correlation) values["amqp.correlation_id"] = correlation;
        if (p.ReplyTo is { } reply) values["amqp.reply_to"] = reply;
        if (p.ContentType is { } type) values["amqp.content_type"] = type;
        if (p.Headers is not null)
            foreach (var (key, _) in p.Headers)
                if (Text(p.Headers, key) is { } text) values["amqp.header." + key] = text;
        return values;
    }

    private static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        } : null;
}
