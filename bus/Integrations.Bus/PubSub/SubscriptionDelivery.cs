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
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Bus.PubSub;

/// <summary>
/// Delivers subscriptions on a worker: consumes each active subscription's queue and hands every message to the
/// subscription's service, outgoing AMQP or REST connection, or WebSocket clients; a message is acknowledged only
/// once it was delivered (at least once, then). A delivery that keeps failing goes, after its retries, to
/// <c>esb.sub.&lt;name&gt;.dead</c> with the reason.
/// </summary>
public sealed class SubscriptionDelivery(ConfigView view, RabbitBackbone backbone, ServiceClient client, RestConnections rest, AmqpOutgoing amqp,
    Pushes pushes, IServiceProvider provider, ILogger log) : BackgroundService
{
    private static readonly string Kind = ConfigKinds.NameOf(typeof(PubSubSubscription));
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private readonly Dictionary<string, (PubSubSubscription Definition, IChannel Channel)> _running = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "pubsub");
    private CancellationToken _stopping;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        view.Changed += OnChanged;
        foreach (var subscription in view.All<PubSubSubscription>()) _pending.Writer.TryWrite(subscription.Name);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        view.Changed -= OnChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in _running.Keys.ToList()) await StopAsync(name).ConfigureAwait(false);
    }

    private void OnChanged(string kind, string name, IConfigObject? value)
    {
        if (kind == Kind) _pending.Writer.TryWrite(name);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await foreach (var name in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var wanted = view.Find<PubSubSubscription>(name);
                if (_running.TryGetValue(name, out var running) && wanted is not null && ConfigView.SameContent(running.Definition, wanted) && running.Channel.IsOpen) continue;
                await StopAsync(name).ConfigureAwait(false);
                if (wanted is not { IsActive: true }) continue;
                try
                {
                    await backbone.DeclareBindingAsync(Topics.ExchangeOf(wanted.Topic), Topics.QueueOf(wanted.Name), stoppingToken).ConfigureAwait(false);
                    var channel = await backbone.Connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 10), stoppingToken).ConfigureAwait(false);
                    await channel.BasicQosAsync(0, 10, false, stoppingToken).ConfigureAwait(false);
                    var consumer = new AsyncEventingBasicConsumer(channel);
                    consumer.ReceivedAsync += (_, delivery) => HandleAsync(wanted, channel, delivery);
                    await channel.BasicConsumeAsync(Topics.QueueOf(wanted.Name), autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
                    _running[name] = (wanted, channel);
                    _log.Information("Subscription {Name}: delivering {Topic} to {DeliverTo} {Target}", name, wanted.Topic, wanted.DeliverTo, wanted.Service ?? wanted.Outgoing ?? "clients");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.Error("Subscription {Name}: cannot consume its queue ({Reason}); trying again in 5 s", name, e.Message);
                    _ = Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => _pending.Writer.TryWrite(name), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    private async Task StopAsync(string name)
    {
        if (!_running.Remove(name, out var running)) return;
        try
        {
            if (running.Channel.IsOpen) await running.Channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug(e, "Subscription {Name}: closing its consumer failed", name);
        }
    }

    private async Task HandleAsync(PubSubSubscription subscription, IChannel channel, BasicDeliverEventArgs delivery)
    {
        var json = Encoding.UTF8.GetString(delivery.Body.Span);
        var headers = delivery.BasicProperties.Headers;
        var cid = headers is not null && headers.TryGetValue("esb-cid", out var c) && c is byte[] b && Cid.IsAcceptable(Encoding.UTF8.GetString(b)) ? Encoding.UTF8.GetString(b) : Cid.New();
        var log = _log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        var attempt = 0;
        while (true)
        {
            error = await DeliverAsync(subscription, json, cid).ConfigureAwait(false);
            if (error is null || attempt >= subscription.Retries || _stopping.IsCancellationRequested) break;
            attempt++;
            log.Warning("Subscription {Name}: delivery failed ({Error}); trying again ({Attempt} of {Retries})", subscription.Name, error, attempt, subscription.Retries);
            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), _stopping).ConfigureAwait(false);
        }
        try
        {
            if (error is not null)
            {
                if (_stopping.IsCancellationRequested) return; // unacknowledged: delivered again after the restart
                var moved = new BasicProperties
                {
                    ContentType = "application/json",
                    DeliveryMode = DeliveryModes.Persistent,
                    Headers = new Dictionary<string, object?>(headers ?? new Dictionary<string, object?>())
                    {
                        ["esb-error"] = error, ["esb-subscription"] = subscription.Name, ["esb-attempts"] = attempt + 1,
                        ["esb-failed-at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                    },
                };
                await backbone.PublishConfirmedAsync(Topics.QueueOf(subscription.Name) + ".dead", moved, delivery.Body.ToArray(), CancellationToken.None).ConfigureAwait(false);
                log.Warning("Subscription {Name}: undeliverable ({Error}); kept in {Queue}.dead", subscription.Name, error, Topics.QueueOf(subscription.Name));
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, false).ConfigureAwait(false);
            log.Information("pubsub ← cid={Cid}; subscription={Name}; {Outcome} time={Time:0.###}ms", cid, subscription.Name, error is null ? "delivered" : "dead-lettered",
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            log.Error(e, "Subscription {Name}: the message could not be settled; it stays in the queue", subscription.Name);
        }
    }

    // Null when delivered; else why not.
    private async Task<string?> DeliverAsync(PubSubSubscription subscription, string json, string cid)
    {
        var context = new ServiceContext(new InvokeService { Service = "pubsub", Cid = cid, Channel = "pubsub:" + subscription.Topic, Caller = subscription.Name },
            _log.ForContext("Cid", cid), provider.GetRequiredService<IServiceRuntime>(), _stopping);
        try
        {
            switch (subscription.DeliverTo)
            {
                case PubSubSubscription.ToService:
                    var result = await client.InvokeAsync(new InvokeService
                    {
                        Service = subscription.Service!, Cid = cid, Input = AsInput(json), Channel = "pubsub:" + subscription.Topic, Caller = subscription.Name,
                        Properties = new Dictionary<string, string> { ["pubsub.topic"] = subscription.Topic, ["pubsub.subscription"] = subscription.Name },
                    }, _stopping).ConfigureAwait(false);
                    return result.Status < 400 ? null : $"{result.Status}: {result.Error}";
                case PubSubSubscription.ToAmqp:
                    await amqp.PublishAsync(subscription.Outgoing!, new AmqpMessage(json, null, new Dictionary<string, string> { ["esb-topic"] = subscription.Topic }, null, null), context)
                        .ConfigureAwait(false);
                    return null;
                case PubSubSubscription.ToRest:
                    var answer = await rest.SendRestAsync(subscription.Outgoing!, new RestRequest(HttpMethod.Post, null, json,
                        new Dictionary<string, string> { ["X-Esb-Topic"] = subscription.Topic }), context).ConfigureAwait(false);
                    return answer.IsSuccess ? null : $"{(int)answer.Status} from {subscription.Outgoing}";
                default:
                    await pushes.PublishAsync("topic:" + subscription.Topic, json, cid, _stopping).ConfigureAwait(false);
                    return null;
            }
        }
        catch (ServiceException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e.Message;
        }
    }

    private static string AsInput(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject ? json : new JsonObject { ["body"] = JsonNode.Parse(json) }.ToJsonString();
        }
        catch (JsonException)
        {
            return new JsonObject { ["body"] = json }.ToJsonString();
        }
    }
}
