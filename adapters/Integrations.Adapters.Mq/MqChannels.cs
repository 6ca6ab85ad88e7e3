using Integrations.Bus.Services;
using System.Diagnostics;
using Amqp;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Integrations.Config;
using Integrations.Messages;
using Serilog;

namespace Integrations.Adapters.Mq;

/// <summary>
/// The MQ channels: for each active <see cref="ChannelMq"/>, on the edge nodes a receiver link on its address (an
/// <see cref="MqListener"/>, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle) that moves each message into
/// the backbone (<c>esb.channel_mq.&lt;name&gt;</c>, persistent, confirmed) before accepting it at its source; on the
/// workers that run the service, consumers of that queue that run it where it is delivered and answer it at its
/// source (<c>reply-to</c>). A failure is dealt with by the <see cref="DeliveryPolicy"/>: tried again, then sent to
/// the dead-letter address with the reason — without one, kept in the backbone's <c>esb.channel_mq.&lt;name&gt;.dead</c>
/// (the source accepted it already).
/// </summary>
public sealed class MqChannels : ConsumerHost<MqChannels.Endpoint>
{
    private readonly ConfigView _view;
    private readonly MqBrokers _brokers;
    private readonly ServiceRuntime _runtime;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;
    private readonly IDisposable _watch;
    private readonly Bus.Telemetry.Hops _hops;

    /// <summary>A channel as it runs: its definition, its connection's, and whether this endpoint runs what the backbone holds for it.</summary>
    public sealed record Endpoint(ChannelMq Channel, ConnectionMq? Connection, bool Held);

    /// <summary>Follows the channels and their connections.</summary>
    public MqChannels(ConfigView view, MqBrokers brokers, ServiceRuntime runtime, RabbitBackbone backbone, NodeOptions options, ServiceCatalog catalog, Bus.Telemetry.Hops hops, ILogger log)
        : base(log.ForContext("SourceContext", "mq-channel"))
    {
        _hops = hops;
        _view = view;
        _brokers = brokers;
        _runtime = runtime;
        _backbone = backbone;
        _options = options;
        _watch = view.Watch([typeof(ChannelMq), typeof(ConnectionMq)], (_, _) => ReconcileAll());
        ConsumeOnlyWhereTheServiceRuns(catalog);
    }

    /// <summary>The backbone's queue that holds a channel's messages until a worker ran them.</summary>
    public static string HeldQueueOf(ChannelMq channel) => "esb.channel_mq." + channel.Name;

    /// <inheritdoc />
    protected override string? ServiceOf(Endpoint endpoint) => endpoint.Channel.Service;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Endpoint> Wanted()
    {
        var wanted = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        foreach (var channel in _view.All<ChannelMq>().Where(c => c.IsActive))
        {
            var connection = _view.Find<ConnectionMq>(channel.Connection);
            if (_options.Roles.HasFlag(NodeRoles.Edge)) wanted[channel.Name] = new Endpoint(channel, connection, Held: false);
            if (_options.Roles.HasFlag(NodeRoles.Worker)) wanted[HeldQueueOf(channel)] = new Endpoint(channel, connection, Held: true);
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
        if (endpoint.Held)
        {
            var source = new MqHeldSource(_brokers, _backbone, channel);
            return await AmqpListener.ListenAsync(_backbone.Connection, new AmqpQueue(HeldQueueOf(channel), channel.Credit, Declare: true, QueueType: _options.QueueType),
                message => handler(new HeldInbound((AmqpInbound)message, source, Stopping)), cancellation).ConfigureAwait(false);
        }
        var connection = await _brokers.ConnectAsync(channel.Connection).WaitAsync(cancellation).ConfigureAwait(false);
        return MqListener.Listen(connection, new MqSource(channel.Address, channel.Credit, channel.DeadLetterAddress, $"esb-{channel.Name}"), handler);
    }

    /// <inheritdoc />
    protected override void Started(string name, Endpoint endpoint)
    {
        var broker = endpoint.Connection is { } c ? MqBrokers.Describe(c) : endpoint.Channel.Connection;
        if (endpoint.Held)
            Log.Information("channel_mq {Name}: running {Service} for the messages moved from {Address} on {Broker} into {HeldQueue} (prefetch {Credit})", endpoint.Channel.Name,
                endpoint.Channel.Service, endpoint.Channel.Address, broker, HeldQueueOf(endpoint.Channel), endpoint.Channel.Credit);
        else
            Log.Information("channel_mq {Name}: receiving from {Address} on {Broker} into {Service} (credit {Credit}, through the backbone)", endpoint.Channel.Name,
                endpoint.Channel.Address, broker, endpoint.Channel.Service, endpoint.Channel.Credit);
    }

    /// <inheritdoc />
    protected override void Stopped(string name, Endpoint endpoint) =>
        Log.Information("channel_mq {Name}: stopped receiving from {Address}", endpoint.Channel.Name,
            endpoint.Held ? HeldQueueOf(endpoint.Channel) : endpoint.Channel.Address);

    /// <inheritdoc />
    protected override void Failed(string name, Endpoint endpoint, Exception error, TimeSpan retryIn) =>
        Log.Error("channel_mq {Name}: cannot receive from {Address} ({Reason}); trying again in {Seconds:0.#} s", endpoint.Channel.Name,
            endpoint.Held ? HeldQueueOf(endpoint.Channel) : endpoint.Channel.Address, endpoint.Held ? AmqpErrors.Explain(error) : error.Message, retryIn.TotalSeconds);

    /// <inheritdoc />
    protected override string? DepthKind => "channel";

    /// <inheritdoc />
    protected override Task HandleAsync(string name, Endpoint endpoint, IInbound message) =>
        endpoint.Held ? RunAsync(endpoint.Channel, message) : ForwardAsync(endpoint.Channel, message);

    // Moves a message into the backbone, confirmed, and only then accepts it at its source.
    private Task ForwardAsync(ChannelMq definition, IInbound message)
    {
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        Log.ForContext("Cid", cid).Information("MQ cha → cid={Cid}; address={Address}; name={Name}; len={Length}", cid, definition.Address, definition.Name, message.Body.Length);
        return DeliveryPolicy.HandOverAsync(message,
            () => _backbone.PublishConfirmedAsync(HeldQueueOf(definition), Wire.Held(null, message, cid), message.Body, Stopping),
            e => Log.ForContext("Cid", cid).Warning("channel_mq {Name}: the message bus did not take the message ({Reason}); it goes back to {Address}",
                definition.Name, AmqpErrors.Explain(e), definition.Address), Stopping);
    }

    // Runs a message the backbone holds here, under the delivery policy, and settles it.
    private async Task RunAsync(ChannelMq definition, IInbound message)
    {
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        var log = Log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        var hop = _hops.Message("mq", definition.Name, cid, message);
        var call = new InvokeService
        {
            Service = definition.Service, Cid = cid, Input = Wire.AsInput(message.Body), Channel = definition.Name, Caller = "mq:" + definition.Address,
            Properties = message.Properties, // made for this message alone
        };
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, cid, definition.Name, definition.Retries, () => _runtime.RunHereAsync(call, Stopping),
            (failed, tries) => log.Warning("channel_mq {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})",
                definition.Name, definition.Service, failed.Status, tries, definition.Retries), Stopping, _options.NodeName).ConfigureAwait(false);
        hop.End(result.Status, result.Error);
        if (settled == Settlement.Deferred) return; // the node is stopping: another worker takes it
        if (settled == Settlement.DeadLettered)
            log.Warning("channel_mq {Name}: {Service} answered {Status} ({Error}); the message is kept at {DeadLetterAddress}", definition.Name, definition.Service,
                result.Status, result.Error, definition.DeadLetterAddress ?? HeldQueueOf(definition) + ".dead");
        log.Information("MQ cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watch.Dispose();
        base.Dispose();
    }

    // A channel's broker, as the source of the messages the backbone holds for it.
    private sealed class MqHeldSource(MqBrokers brokers, RabbitBackbone backbone, ChannelMq channel) : IHeldSource
    {
        public async Task DeadLetterAsync(HeldInbound message, DeadLetter letter, CancellationToken cancellation)
        {
            if (channel.DeadLetterAddress is not { } deadLetters)
            {
                // Accepted at its source already: the backbone keeps it, with why.
                var original = message.Held.Delivery.BasicProperties;
                await backbone.PublishConfirmedAsync(HeldQueueOf(channel) + ".dead", Wire.DeadLetterCopy(original, channel.Address, letter), message.Body, cancellation)
                    .ConfigureAwait(false);
                return;
            }
            var moved = MqMessages.Create(message.Body.ToArray(), message.MessageId, Correlation(message), durable: true);
            foreach (var (key, value) in Wire.DeadLetterHeaders(ApplicationProperties(message), letter)) moved.ApplicationProperties[key] = value;
            await SendAsync("esb-dead", deadLetters, moved).ConfigureAwait(false);
        }

        public Task ReplyAsync(HeldInbound message, ServiceResult result, CancellationToken cancellation) =>
            SendAsync("esb-reply", message.ReplyTo!, MqMessages.Answer(result, Correlation(message) ?? message.MessageId));

        private async Task SendAsync(string purpose, string address, Message message)
        {
            var connection = await brokers.ConnectAsync(channel.Connection).ConfigureAwait(false);
            var session = new Session(connection);
            try
            {
                await MqMessages.SendDurablyAsync(session, purpose, address, message).ConfigureAwait(false);
            }
            finally
            {
                await session.CloseAsync(MqBrokers.CloseTimeout).ConfigureAwait(false);
            }
        }

        public bool Refused(Exception error) => error is InvalidOperationException // no such connection, or inactive
            || error is AmqpException { Error.Condition: var condition } && (string)condition is "amqp:not-found" or "amqp:unauthorized-access" or "amqp:not-allowed"
                or "amqp:invalid-field" or "amqp:precondition-failed";

        private static string? Correlation(HeldInbound message) => message.Properties.TryGetValue("mq.correlation_id", out var c) ? c : null;

        // The application properties the message came with, as services saw them.
        private static IEnumerable<KeyValuePair<string, object?>> ApplicationProperties(HeldInbound message) =>
            message.Properties.Where(p => p.Key.StartsWith("mq.property.", StringComparison.Ordinal))
                .Select(p => new KeyValuePair<string, object?>(p.Key["mq.property.".Length..], p.Value));
    }
}
