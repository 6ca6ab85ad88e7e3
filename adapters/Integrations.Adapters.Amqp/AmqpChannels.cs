using Integrations.Bus.Services;
using System.Diagnostics;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Integrations.Config;
using Integrations.Messages;
using Serilog;

namespace Integrations.Adapters.Amqp;

/// <summary>
/// The AMQP channels: for each active <see cref="ChannelAmqp"/>, consumers on its queue (through
/// <see cref="AmqpListener"/>, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle), each message acknowledged
/// only after the service finished with it. Where the message runs depends on its broker:
/// <list type="bullet">
/// <item>a queue on the backbone's own broker is consumed by the workers that run the service, and each message runs
/// where it is delivered: one delivery, no call through the backbone;</item>
/// <item>a queue on another broker is consumed by the edge nodes, which move each message into the backbone
/// (<c>esb.channel_amqp.&lt;name&gt;</c>, persistent, confirmed) before acknowledging it at its source; the workers
/// run it from there, and dead-letter or answer it at its source.</item>
/// </list>
/// A failure is dealt with by the <see cref="DeliveryPolicy"/>: tried again, then moved to the dead-letter queue with
/// the reason, confirmed by the broker before the original is acknowledged. A channel restarts when it or its
/// connection changes.
/// </summary>
public sealed class AmqpChannels : ConsumerHost<AmqpChannels.Endpoint>
{
    private readonly ConfigView _view;
    private readonly AmqpBrokers _brokers;
    private readonly ServiceRuntime _runtime;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;
    private readonly ITopicPublisher _topics;
    private readonly Bus.Telemetry.Hops _hops;
    private readonly IDisposable _watch;

    /// <summary>How a channel's messages reach its service on this node.</summary>
    public enum Route
    {
        /// <summary>Consumed from its queue on the backbone's broker, and run here.</summary>
        Here,
        /// <summary>Consumed from its queue on another broker, and moved into the backbone for a worker.</summary>
        Forward,
        /// <summary>Consumed from the backbone, where an edge moved it, and run here.</summary>
        Held,
    }

    /// <summary>A channel as it runs: its definition, its connection's, and its route on this node.</summary>
    public sealed record Endpoint(ChannelAmqp Channel, ConnectionAmqp? Connection, Route Route);

    /// <summary>Follows the channels and their connections.</summary>
    public AmqpChannels(ConfigView view, AmqpBrokers brokers, ServiceRuntime runtime, RabbitBackbone backbone, NodeOptions options, ServiceCatalog catalog,
        ITopicPublisher topics, Bus.Telemetry.Hops hops, ILogger log)
        : base(log.ForContext("SourceContext", "amqp-channel"))
    {
        _hops = hops;
        _view = view;
        _brokers = brokers;
        _runtime = runtime;
        _backbone = backbone;
        _options = options;
        _topics = topics;
        _watch = view.Watch([typeof(ChannelAmqp), typeof(ConnectionAmqp)], (_, _) => ReconcileAll());
        ConsumeOnlyWhereTheServiceRuns(catalog);
    }

    /// <summary>The backbone's queue that holds a channel's messages from another broker until a worker ran them.</summary>
    public static string HeldQueueOf(ChannelAmqp channel) => "esb.channel_amqp." + channel.Name;

    /// <inheritdoc />
    protected override string? ServiceOf(Endpoint endpoint) => endpoint.Channel.Topic is null ? endpoint.Channel.Service : null;

    // What a channel's messages go to, for the log.
    private static string TargetOf(ChannelAmqp channel) => channel.Topic is { } topic ? "topic " + topic : channel.Service;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Endpoint> Wanted()
    {
        var edge = _options.Roles.HasFlag(NodeRoles.Edge);
        var worker = _options.Roles.HasFlag(NodeRoles.Worker);
        var wanted = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        foreach (var channel in _view.All<ChannelAmqp>().Where(c => c.IsActive))
        {
            var connection = _view.Find<ConnectionAmqp>(channel.Connection);
            if (connection is { Address: null })
            {
                if (worker) wanted[channel.Name] = new Endpoint(channel, connection, Route.Here);
                continue;
            }
            if (edge) wanted[channel.Name] = new Endpoint(channel, connection, Route.Forward);
            if (worker) wanted[HeldQueueOf(channel)] = new Endpoint(channel, connection, Route.Held);
        }
        return wanted;
    }

    /// <inheritdoc />
    protected override string Fingerprint(Endpoint endpoint) =>
        System.Text.Json.JsonSerializer.Serialize(endpoint.Channel) + System.Text.Json.JsonSerializer.Serialize(endpoint.Connection);

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, Endpoint endpoint, InboundHandler handler, CancellationToken cancellation)
    {
        var channel = endpoint.Channel;
        if (endpoint.Route == Route.Held)
        {
            var source = new AmqpSource(_brokers, channel);
            return await AmqpListener.ListenAsync(_backbone.Connection, new AmqpQueue(HeldQueueOf(channel), channel.Prefetch, channel.Consumers, Declare: true,
                QueueType: _options.QueueType), message => handler(new HeldInbound((AmqpInbound)message, source, Stopping)), cancellation).ConfigureAwait(false);
        }
        var connection = await _brokers.ConnectAsync(channel.Connection, cancellation).ConfigureAwait(false);
        return await AmqpListener.ListenAsync(connection, new AmqpQueue(channel.Queue, channel.Prefetch, channel.Consumers, Declare: true, DeadLetterQueueOf(channel), PersistentReplies: true,
            QueueType: channel.QueueType, BindTo: channel.Exchange),
            handler, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Started(string name, Endpoint endpoint)
    {
        var (channel, connection) = (endpoint.Channel, endpoint.Connection);
        var broker = connection is { } c ? _brokers.Describe(c) : channel.Connection;
        if (endpoint.Route == Route.Held)
            Log.Information("channel_amqp {Name}: running {Service} for the messages moved from {Queue} on {Broker} into {HeldQueue} ({Consumers}×{Prefetch})",
                channel.Name, TargetOf(channel), channel.Queue, broker, HeldQueueOf(channel), channel.Consumers, channel.Prefetch);
        else
            Log.Information("channel_amqp {Name}: consuming {Queue} on {Broker} into {Service} ({Consumers}×{Prefetch}{Route})", channel.Name, channel.Queue,
                broker, TargetOf(channel), channel.Consumers, channel.Prefetch, endpoint.Route == Route.Forward ? ", through the backbone" : "");
    }

    /// <inheritdoc />
    protected override void Stopped(string name, Endpoint endpoint) =>
        Log.Information("channel_amqp {Name}: stopped consuming {Queue}", endpoint.Channel.Name, endpoint.Route == Route.Held ? HeldQueueOf(endpoint.Channel) : endpoint.Channel.Queue);

    /// <inheritdoc />
    protected override void Failed(string name, Endpoint endpoint, Exception error, TimeSpan retryIn) =>
        Log.Error("channel_amqp {Name}: cannot consume {Queue} ({Reason}); trying again in {Seconds:0.#} s", endpoint.Channel.Name,
            endpoint.Route == Route.Held ? HeldQueueOf(endpoint.Channel) : endpoint.Channel.Queue, AmqpErrors.Explain(error), retryIn.TotalSeconds);

    /// <summary>Where a channel keeps the messages it gave up on, on its broker.</summary>
    public static string DeadLetterQueueOf(ChannelAmqp channel) => channel.DeadLetterQueue ?? channel.Queue + ".dead";

    /// <inheritdoc />
    protected override string? DepthKind => "channel";

    /// <inheritdoc />
    protected override Task HandleAsync(string name, Endpoint endpoint, IInbound message) => endpoint.Route switch
    {
        Route.Forward => ForwardAsync(endpoint.Channel, message),
        Route.Held => RunAsync(endpoint.Channel, message, Stopwatch.GetTimestamp(), received: false),
        _ => RunAsync(endpoint.Channel, message, Stopwatch.GetTimestamp(), received: true),
    };

    private void LogReceived(ChannelAmqp channel, IInbound message, string cid) =>
        Log.ForContext("Cid", cid).Information("AMQP cha → cid={Cid}; queue={Queue}; name={Name}; routing-key={RoutingKey}; len={Length}",
            cid, channel.Queue, channel.Name, message.Properties["amqp.routing_key"], message.Body.Length);

    // Runs the message's service here (or publishes it to the channel's topic), under the delivery policy, and settles
    // the message; a MassTransit request is answered, or told of its failure, as its request client expects.
    private async Task RunAsync(ChannelAmqp definition, IInbound message, long started, bool received)
    {
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        if (received) LogReceived(definition, message, cid);
        var hop = _hops.Message("amqp", definition.Name, cid, message);
        var log = Log.ForContext("Cid", cid);
        var target = TargetOf(definition);
        MassTransitInbound? request = null;
        if (definition.Format == "masstransit")
        {
            try
            {
                request = new MassTransitInbound(message, MassTransitMessage.Read(message.Body), definition.ResponseType, definition.Name,
                    (queue, properties, body, cancellation) => _brokers.PublishConfirmedAsync(definition.Connection, "", queue, properties, body, cancellation));
            }
            catch (FormatException e)
            {
                await message.DeadLetterAsync(new DeadLetter(cid, 400, e.Message, definition.Name, 1) { Node = _options.NodeName }, CancellationToken.None).ConfigureAwait(false);
                hop.End(400, e.Message);
                log.Warning("channel_amqp {Name}: {Reason}; the message is kept in {DeadLetterQueue}", definition.Name, e.Message, DeadLetterQueueOf(definition));
                return;
            }
            message = request;
        }
        var call = new InvokeService
        {
            Service = definition.Service,
            Cid = cid,
            Input = Wire.AsInput(message.Body),
            Channel = definition.Name,
            Caller = "queue:" + definition.Queue,
            Properties = message.Properties, // made for this message alone
        };
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, cid, definition.Name, definition.Retries,
            () => definition.Topic is { } topic ? PublishAsync(topic, call) : _runtime.RunHereAsync(call, Stopping),
            (failed, tries) => log.Warning("channel_amqp {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})",
                definition.Name, target, failed.Status, tries, definition.Retries), Stopping, _options.NodeName).ConfigureAwait(false);
        hop.End(result.Status, result.Error);
        if (settled == Settlement.Deferred) return; // the node is stopping: another node takes it
        if (settled == Settlement.DeadLettered)
        {
            log.Warning("channel_amqp {Name}: {Service} answered {Status} ({Error}); the message is kept in {DeadLetterQueue}",
                definition.Name, target, result.Status, result.Error, DeadLetterQueueOf(definition));
            if (request is not null) await FaultAsync(definition, request, result, log).ConfigureAwait(false);
        }
        log.Information("AMQP cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // A message for a topic: published there, confirmed by the broker; the message bus away is a wait, not a failure.
    private async Task<ServiceResult> PublishAsync(string topic, InvokeService call)
    {
        try
        {
            await _topics.PublishAsync(topic, System.Text.Encoding.UTF8.GetString(call.Input.Span), call.Cid, Stopping).ConfigureAwait(false);
            return new ServiceResult { Cid = call.Cid, Status = 200 };
        }
        catch (ServiceException e)
        {
            return ServiceResult.Failed(call.Cid, e.Status, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ServiceResult.Unavailable(call.Cid, $"topic {topic} did not take the message: {AmqpErrors.Explain(e)}");
        }
    }

    // The request client is told at once, rather than waiting for its timeout; the message itself is kept either way.
    private static async Task FaultAsync(ChannelAmqp definition, MassTransitInbound request, ServiceResult result, ILogger log)
    {
        try
        {
            await request.FaultAsync(result, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Warning("channel_amqp {Name}: the request client could not be told of the failure ({Reason})", definition.Name, AmqpErrors.Explain(e));
        }
    }

    // Moves a message of another broker into the backbone, confirmed, and only then acknowledges it there.
    private async Task ForwardAsync(ChannelAmqp definition, IInbound message)
    {
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        LogReceived(definition, message, cid);
        var delivery = ((AmqpInbound)message).Delivery;
        await DeliveryPolicy.HandOverAsync(message,
            () => _backbone.PublishConfirmedAsync(HeldQueueOf(definition), Wire.Held(delivery.BasicProperties, message, cid), delivery.Body, Stopping),
            e => Log.ForContext("Cid", cid).Warning("channel_amqp {Name}: the message bus did not take the message ({Reason}); it goes back to {Queue}",
                definition.Name, AmqpErrors.Explain(e), definition.Queue), Stopping).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watch.Dispose();
        base.Dispose();
    }

    // A channel's broker, as the source of the messages the backbone holds for it.
    private sealed class AmqpSource(AmqpBrokers brokers, ChannelAmqp channel) : IHeldSource
    {
        public Task DeadLetterAsync(HeldInbound message, DeadLetter letter, CancellationToken cancellation)
        {
            var routingKey = message.Properties.TryGetValue("amqp.routing_key", out var key) ? key : channel.Queue;
            return brokers.PublishConfirmedAsync(channel.Connection, "", DeadLetterQueueOf(channel),
                Wire.DeadLetterCopy(message.Held.Delivery.BasicProperties, routingKey, letter), message.Body, cancellation);
        }

        public Task ReplyAsync(HeldInbound message, ServiceResult result, CancellationToken cancellation)
        {
            var original = message.Held.Delivery.BasicProperties;
            var (properties, body) = Wire.Answer(result, original.CorrelationId ?? original.MessageId, persistent: true);
            properties.ContentType = "application/json";
            return brokers.PublishConfirmedAsync(channel.Connection, "", message.ReplyTo!, properties, body, cancellation);
        }

        public bool Refused(Exception error) => error is RabbitMQ.Client.Exceptions.PublishReturnException
            or RabbitMQ.Client.Exceptions.OperationInterruptedException { ShutdownReason.ReplyCode: 403 or 404 or 406 }
            or InvalidOperationException; // no such connection, or inactive
    }
}
