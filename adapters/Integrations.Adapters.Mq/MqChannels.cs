using Integrations.Bus.Services;
using System.Diagnostics;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Integrations.Config;
using Integrations.Messages;
using Serilog;

namespace Integrations.Adapters.Mq;

/// <summary>
/// The MQ channels of a node with the edge role: for each active <see cref="ChannelMq"/>, a receiver link on its
/// address (an <see cref="MqListener"/>, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle) that invokes the
/// service through the backbone and settles a message only after the service finished (accepted; answered to
/// <c>reply-to</c> when it has one). A failure is dealt with by the <see cref="DeliveryPolicy"/>: tried again, then
/// sent to the dead-letter address with the reason and accepted, or, without one, rejected for the broker to
/// dead-letter.
/// </summary>
public sealed class MqChannels : ConsumerHost<MqChannels.Endpoint>
{
    private readonly ConfigView _view;
    private readonly MqBrokers _brokers;
    private readonly ServiceClient _client;
    private readonly IDisposable _watch;

    /// <summary>A channel as it runs: its definition and its connection's.</summary>
    public sealed record Endpoint(ChannelMq Channel, ConnectionMq? Connection);

    /// <summary>Follows the channels and their connections.</summary>
    public MqChannels(ConfigView view, MqBrokers brokers, ServiceClient client, ServiceCatalog catalog, ILogger log) : base(log.ForContext("SourceContext", "mq-channel"))
    {
        _view = view;
        _brokers = brokers;
        _client = client;
        _watch = view.Watch([typeof(ChannelMq), typeof(ConnectionMq)], (_, _) => ReconcileAll());
        ConsumeOnlyWhereTheServiceRuns(catalog);
    }

    /// <inheritdoc />
    protected override string? ServiceOf(Endpoint endpoint) => endpoint.Channel.Service;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Endpoint> Wanted() =>
        _view.All<ChannelMq>().Where(c => c.IsActive).ToDictionary(c => c.Name, c => new Endpoint(c, _view.Find<ConnectionMq>(c.Connection)), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override string Fingerprint(Endpoint endpoint) =>
        System.Text.Json.JsonSerializer.Serialize(endpoint.Channel) + System.Text.Json.JsonSerializer.Serialize(endpoint.Connection);

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, Endpoint endpoint, InboundHandler handler, CancellationToken cancellation)
    {
        var channel = endpoint.Channel;
        var connection = await _brokers.ConnectAsync(channel.Connection).WaitAsync(cancellation).ConfigureAwait(false);
        return MqListener.Listen(connection, new MqSource(channel.Address, channel.Credit, channel.DeadLetterAddress, $"esb-{channel.Name}"), handler);
    }

    /// <inheritdoc />
    protected override void Started(string name, Endpoint endpoint) =>
        Log.Information("channel_mq {Name}: receiving from {Address} on {Broker} into {Service} (credit {Credit})", name, endpoint.Channel.Address,
            endpoint.Connection is { } c ? MqBrokers.Describe(c) : endpoint.Channel.Connection, endpoint.Channel.Service, endpoint.Channel.Credit);

    /// <inheritdoc />
    protected override void Stopped(string name, Endpoint endpoint) =>
        Log.Information("channel_mq {Name}: stopped receiving from {Address}", name, endpoint.Channel.Address);

    /// <inheritdoc />
    protected override void Failed(string name, Endpoint endpoint, Exception error, TimeSpan retryIn) =>
        Log.Error("channel_mq {Name}: cannot receive from {Address} ({Reason}); trying again in {Seconds:0.#} s", name, endpoint.Channel.Address, error.Message, retryIn.TotalSeconds);

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, Endpoint endpoint, IInbound message)
    {
        var definition = endpoint.Channel;
        var cid = Cid.IsAcceptable(message.Cid) ? message.Cid! : Cid.New();
        var log = Log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        log.Information("MQ cha → cid={Cid}; address={Address}; name={Name}; len={Length}", cid, definition.Address, definition.Name, message.Body.Length);
        var call = new InvokeService
        {
            Service = definition.Service, Cid = cid, Input = Wire.AsInput(message.Body), Channel = definition.Name, Caller = "mq:" + definition.Address,
            Properties = new Dictionary<string, string>(message.Properties, StringComparer.Ordinal),
        };
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, cid, definition.Name, definition.Retries, () => _client.InvokeAsync(call, Stopping),
            (failed, tries) => log.Warning("channel_mq {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})",
                definition.Name, definition.Service, failed.Status, tries, definition.Retries), Stopping).ConfigureAwait(false);
        if (settled == Settlement.Deferred) return; // the node is stopping: released, the broker gives it again
        if (settled == Settlement.DeadLettered && definition.DeadLetterAddress is { } deadLetters)
            log.Warning("channel_mq {Name}: {Service} answered {Status} ({Error}); the message is kept at {DeadLetterAddress}", definition.Name, definition.Service, result.Status, result.Error, deadLetters);
        else if (settled == Settlement.DeadLettered)
            log.Warning("channel_mq {Name}: {Service} answered {Status} ({Error}); rejected for the broker to dead-letter", definition.Name, definition.Service, result.Status, result.Error);
        log.Information("MQ cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watch.Dispose();
        base.Dispose();
    }
}
