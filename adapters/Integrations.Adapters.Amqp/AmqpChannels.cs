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
/// The AMQP channels of a node with the edge role: for each active <see cref="ChannelAmqp"/>, consumers on its queue
/// (through <see cref="AmqpListener"/>, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle) that invoke the
/// service through the backbone and acknowledge a message only after the service finished. A failure is dealt with
/// by the <see cref="DeliveryPolicy"/>: tried again, then moved to the dead-letter queue with the reason, confirmed by
/// the broker before the original is acknowledged. A channel restarts when it or its connection changes.
/// </summary>
public sealed class AmqpChannels : ConsumerHost<AmqpChannels.Endpoint>
{
    private readonly ConfigView _view;
    private readonly AmqpBrokers _brokers;
    private readonly ServiceClient _client;
    private readonly IDisposable _watch;

    /// <summary>A channel as it runs: its definition and its connection's.</summary>
    public sealed record Endpoint(ChannelAmqp Channel, ConnectionAmqp? Connection);

    /// <summary>Follows the channels and their connections.</summary>
    public AmqpChannels(ConfigView view, AmqpBrokers brokers, ServiceClient client, ServiceCatalog catalog, ILogger log) : base(log.ForContext("SourceContext", "amqp-channel"))
    {
        _view = view;
        _brokers = brokers;
        _client = client;
        _watch = view.Watch([typeof(ChannelAmqp), typeof(ConnectionAmqp)], (_, _) => ReconcileAll());
        ConsumeOnlyWhereTheServiceRuns(catalog);
    }

    /// <inheritdoc />
    protected override string? ServiceOf(Endpoint endpoint) => endpoint.Channel.Service;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Endpoint> Wanted() =>
        _view.All<ChannelAmqp>().Where(c => c.IsActive).ToDictionary(c => c.Name, c => new Endpoint(c, _view.Find<ConnectionAmqp>(c.Connection)), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override string Fingerprint(Endpoint endpoint) =>
        System.Text.Json.JsonSerializer.Serialize(endpoint.Channel) + System.Text.Json.JsonSerializer.Serialize(endpoint.Connection);

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, Endpoint endpoint, InboundHandler handler, CancellationToken cancellation)
    {
        var channel = endpoint.Channel;
        var connection = await _brokers.ConnectAsync(channel.Connection, cancellation).ConfigureAwait(false);
        return await AmqpListener.ListenAsync(connection, new AmqpQueue(channel.Queue, channel.Prefetch, channel.Consumers, Declare: true, DeadLetterQueueOf(channel), PersistentReplies: true,
            QueueType: channel.QueueType),
            handler, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Started(string name, Endpoint endpoint) =>
        Log.Information("channel_amqp {Name}: consuming {Queue} on {Broker} into {Service} ({Consumers}×{Prefetch})", name, endpoint.Channel.Queue,
            endpoint.Connection is { } c ? _brokers.Describe(c) : endpoint.Channel.Connection, endpoint.Channel.Service, endpoint.Channel.Consumers, endpoint.Channel.Prefetch);

    /// <inheritdoc />
    protected override void Stopped(string name, Endpoint endpoint) =>
        Log.Information("channel_amqp {Name}: stopped consuming {Queue}", name, endpoint.Channel.Queue);

    /// <inheritdoc />
    protected override void Failed(string name, Endpoint endpoint, Exception error, TimeSpan retryIn) =>
        Log.Error("channel_amqp {Name}: cannot consume {Queue} ({Reason}); trying again in {Seconds:0.#} s", name, endpoint.Channel.Queue, AmqpErrors.Explain(error), retryIn.TotalSeconds);

    private static string DeadLetterQueueOf(ChannelAmqp channel) => channel.DeadLetterQueue ?? channel.Queue + ".dead";

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, Endpoint endpoint, IInbound message)
    {
        var definition = endpoint.Channel;
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        var log = Log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        log.Information("AMQP cha → cid={Cid}; queue={Queue}; name={Name}; routing-key={RoutingKey}; len={Length}",
            cid, definition.Queue, definition.Name, message.Properties["amqp.routing_key"], message.Body.Length);
        var call = new InvokeService
        {
            Service = definition.Service,
            Cid = cid,
            Input = Wire.AsInput(message.Body),
            Channel = definition.Name,
            Caller = "queue:" + definition.Queue,
            Properties = new Dictionary<string, string>(message.Properties, StringComparer.Ordinal),
        };
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, cid, definition.Name, definition.Retries,
            () => _client.InvokeAsync(call with { Deadline = default }, Stopping),
            (failed, tries) => log.Warning("channel_amqp {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})",
                definition.Name, definition.Service, failed.Status, tries, definition.Retries), Stopping).ConfigureAwait(false);
        if (settled == Settlement.Deferred) return; // the node is stopping: another node takes it
        if (settled == Settlement.DeadLettered)
            log.Warning("channel_amqp {Name}: {Service} answered {Status} ({Error}); the message is kept in {DeadLetterQueue}",
                definition.Name, definition.Service, result.Status, result.Error, DeadLetterQueueOf(definition));
        log.Information("AMQP cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watch.Dispose();
        base.Dispose();
    }
}
