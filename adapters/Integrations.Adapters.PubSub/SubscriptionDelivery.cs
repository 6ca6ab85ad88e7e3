using Integrations.Bus.Services;
using System.Diagnostics;
using System.Text;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Integrations.Config;
using Serilog;
using Integrations.Messages;
using Integrations.Runtime;

namespace Integrations.Adapters.PubSub;

/// <summary>
/// Delivers subscriptions on a worker: consumes each active subscription's queue (an <see cref="AmqpListener"/> on
/// the backbone, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle) and hands every message to the
/// subscription's service, outgoing AMQP or REST connection, or WebSocket clients; a message is acknowledged only
/// once it was delivered (at least once, then). A delivery that keeps failing goes, after the
/// <see cref="DeliveryPolicy"/>'s tries, to <c>esb.sub.&lt;name&gt;.dead</c> with the reason.
/// </summary>
public sealed class SubscriptionDelivery : ConsumerHost<PubSubSubscription>
{
    private readonly ConfigView _view;
    private readonly RabbitBackbone _backbone;
    private readonly ServiceClient _client;
    private readonly IOutgoingConnections _outgoing;
    private readonly Pushes _pushes;
    private readonly Bus.Telemetry.Hops _hops;
    private readonly NodeOptions _options;
    private readonly IDisposable _watch;

    /// <summary>Follows the subscriptions.</summary>
    public SubscriptionDelivery(ConfigView view, RabbitBackbone backbone, ServiceClient client, IOutgoingConnections outgoing,
        Pushes pushes, ServiceCatalog catalog, NodeOptions options, Bus.Telemetry.Hops hops, ILogger log) : base(log.ForContext("SourceContext", "pubsub"))
    {
        _hops = hops;
        _options = options;
        _view = view;
        _backbone = backbone;
        _client = client;
        _outgoing = outgoing;
        _pushes = pushes;
        _watch = view.Watch([typeof(PubSubSubscription)], (_, name) => Reconcile(name));
        ConsumeOnlyWhereTheServiceRuns(catalog);
    }

    /// <inheritdoc />
    protected override string? ServiceOf(PubSubSubscription subscription) => subscription.DeliverTo == PubSubSubscription.ToService ? subscription.Service : null;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, PubSubSubscription> Wanted() =>
        _view.All<PubSubSubscription>().Where(s => s.IsActive).ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <inheritdoc />
    protected override string Fingerprint(PubSubSubscription subscription) => System.Text.Json.JsonSerializer.Serialize(subscription);

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, PubSubSubscription subscription, InboundHandler handler, CancellationToken cancellation)
    {
        await _backbone.DeclareBindingAsync(Topics.ExchangeOf(subscription.Topic), Topics.QueueOf(subscription.Name), cancellation).ConfigureAwait(false);
        return await AmqpListener.ListenAsync(_backbone.Connection,
            new AmqpQueue(Topics.QueueOf(subscription.Name), Prefetch: 10, Declare: false, DeadLetterQueue: Topics.QueueOf(subscription.Name) + ".dead",
                PublishDurable: _backbone.PublishConfirmedAsync), handler, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Started(string name, PubSubSubscription subscription) =>
        Log.Information("Subscription {Name}: delivering {Topic} to {DeliverTo} {Target}", name, subscription.Topic, subscription.DeliverTo,
            subscription.Service ?? subscription.Outgoing ?? "clients");

    /// <inheritdoc />
    protected override void Stopped(string name, PubSubSubscription subscription) => Log.Information("Subscription {Name}: stopped delivering", name);

    /// <inheritdoc />
    protected override void Failed(string name, PubSubSubscription subscription, Exception error, TimeSpan retryIn) =>
        Log.Error("Subscription {Name}: cannot consume its queue ({Reason}); trying again in {Seconds:0.#} s", name, AmqpErrors.Explain(error), retryIn.TotalSeconds);

    /// <inheritdoc />
    protected override string? DepthKind => "subscription";

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, PubSubSubscription subscription, IInbound message)
    {
        var json = Encoding.UTF8.GetString(message.Body.Span);
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        var log = Log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        var hop = _hops.Message("subscription", subscription.Name, cid, message);
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, cid, subscription.Name, subscription.Retries,
            async () => await DeliverAsync(subscription, message, json, cid).ConfigureAwait(false) is { } error
                ? ServiceResult.Failed(cid, error.Status, error.Message) with { Exception = error.Exception, Frame = error.Frame }
                : new ServiceResult { Cid = cid, Status = 200 },
            (failed, tries) => log.Warning("Subscription {Name}: delivery failed ({Error}); trying again ({Attempt} of {Retries})",
                subscription.Name, failed.Error, tries, subscription.Retries), Stopping, _options.NodeName).ConfigureAwait(false);
        hop.End(result.Status, result.Error);
        if (settled == Settlement.Deferred) return; // delivered again after the restart
        if (settled == Settlement.DeadLettered)
            log.Warning("Subscription {Name}: undeliverable ({Error}); kept in {Queue}.dead", subscription.Name, result.Error, Topics.QueueOf(subscription.Name));
        log.Information("pubsub ← cid={Cid}; subscription={Name}; {Outcome} time={Time:0.###}ms", cid, subscription.Name, result.Status < 400 ? "delivered" : "dead-lettered",
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // Null when delivered; else why not, with the status that says whether to try again (5xx) or not (4xx), and what
    // the service threw, if it did.
    private async Task<(int Status, string Message, string? Exception, string? Frame)?> DeliverAsync(PubSubSubscription subscription, IInbound message, string json, string cid)
    {
        var context = new CallScope(cid, Stopping, subscription.Name);
        try
        {
            switch (subscription.DeliverTo)
            {
                case PubSubSubscription.ToService:
                    var result = await _client.InvokeAsync(new InvokeService
                    {
                        Service = subscription.Service!, Cid = cid, Input = Wire.AsInput(message.Body), Channel = "pubsub:" + subscription.Topic, Caller = subscription.Name,
                        Properties = Delivered(message, new() { ["pubsub.topic"] = subscription.Topic, ["pubsub.subscription"] = subscription.Name }),
                    }, Stopping).ConfigureAwait(false);
                    return result.Status < 400 ? null : (result.Status, $"{result.Status}: {result.Error}", result.Exception, result.Frame);
                case PubSubSubscription.ToAmqp:
                    await _outgoing.PublishAmqpAsync(subscription.Outgoing!, new AmqpMessage(json, null, new Dictionary<string, string> { [Wire.Topic] = subscription.Topic }, null, null), context)
                        .ConfigureAwait(false);
                    return null;
                case PubSubSubscription.ToRest:
                    var answer = await _outgoing.SendRestAsync(subscription.Outgoing!, new RestRequest(HttpMethod.Post, null, json,
                        new Dictionary<string, string> { ["X-Esb-Topic"] = subscription.Topic }), context).ConfigureAwait(false);
                    return answer.IsSuccess ? null : (502, $"{(int)answer.Status} from {subscription.Outgoing}", null, null);
                default:
                    await _pushes.PublishAsync("topic:" + subscription.Topic, json, cid, Stopping).ConfigureAwait(false);
                    return null;
            }
        }
        catch (ServiceException e)
        {
            return (e.Status >= 500 ? e.Status : 502, e.Message, null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (502, e.Message, null, null);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watch.Dispose();
        base.Dispose();
    }

    // What a service is told of the delivery besides the topic: the published message's id, and whether it came before.
    private static Dictionary<string, string> Delivered(IInbound message, Dictionary<string, string> properties)
    {
        if (message.MessageId is { } id) properties[ServiceContext.MessageIdProperty] = id;
        properties[ServiceContext.RedeliveredProperty] = message.Redelivered ? "true" : "false";
        return properties;
    }
}
