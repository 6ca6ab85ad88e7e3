using System.Text.Json;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// What every node hears: the cluster's events (<see cref="Events"/>: a configuration change, a deployment) and the
/// pushes for WebSocket clients (<see cref="Pushes.Exchange"/>). Each is a fanout exchange of the backbone that
/// <see cref="RabbitBackbone.BroadcastAsync"/> publishes on; each node listens on a queue of its own bound to it,
/// on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle, and hands every message to the handlers of its event.
/// A broadcast is transient: a node that is not listening misses it (the configuration's resync catches up).
/// </summary>
public sealed class Broadcasts : ConsumerHost<string>
{
    /// <summary>The exchange of the cluster's events.</summary>
    public const string Events = "esb.events";

    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;
    private readonly List<Handler> _handlers = [];
    private readonly Lock _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _listening = new(StringComparer.Ordinal);

    /// <summary>Listens for the handlers registered with <see cref="On"/>.</summary>
    public Broadcasts(RabbitBackbone backbone, NodeOptions options, ILogger log) : base(log.ForContext("SourceContext", "backbone"))
    {
        _backbone = backbone;
        _options = options;
    }

    // A node reports itself started once it hears the cluster.
    /// <inheritdoc />
    protected override bool WaitAtStart => true;

    /// <summary>
    /// Hands every <paramref name="event"/> broadcast on <paramref name="exchange"/> to <paramref name="handle"/>: those
    /// of other nodes, and this node's own too when <paramref name="fromItself"/>. A handler that fails is logged; the
    /// message is not given again. The task completes when this node listens to the exchange (or first failed to).
    /// </summary>
    public Task On(string exchange, string @event, bool fromItself, Func<IInbound, CancellationToken, Task> handle)
    {
        lock (_gate) _handlers.Add(new Handler(exchange, @event, fromItself, handle));
        Reconcile(exchange);
        return FirstListen(exchange).Task;
    }

    private TaskCompletionSource FirstListen(string exchange) =>
        _listening.GetOrAdd(exchange, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Hands every <typeparamref name="T"/> another node announces (<see cref="RabbitBackbone.AnnounceAsync{T}"/>) to <paramref name="handle"/>.</summary>
    public Task On<T>(Func<T, CancellationToken, Task> handle) where T : class =>
        On(Events, typeof(T).Name, fromItself: false, (message, cancellation) =>
            handle(JsonSerializer.Deserialize<T>(message.Body.Span) ?? throw new JsonException($"an empty {typeof(T).Name}"), cancellation));

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Wanted()
    {
        lock (_gate) return _handlers.Select(h => h.Exchange).Distinct(StringComparer.Ordinal).ToDictionary(e => e, e => e, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    protected override string Fingerprint(string exchange) => exchange;

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, string exchange, InboundHandler handler, CancellationToken cancellation) =>
        await AmqpListener.ListenAsync(_backbone.Connection, new AmqpQueue("", Prefetch: 64, Exchange: exchange), handler, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    protected override void Started(string name, string exchange)
    {
        Log.Debug("Listening to {Exchange}", exchange);
        FirstListen(exchange).TrySetResult();
    }

    /// <inheritdoc />
    protected override void Failed(string name, string exchange, Exception error, TimeSpan retryIn)
    {
        Log.Error("Cannot listen to {Exchange} ({Reason}); trying again in {Seconds:0.#} s", exchange, AmqpErrors.Explain(error), retryIn.TotalSeconds);
        FirstListen(exchange).TrySetResult();
    }

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, string exchange, IInbound message)
    {
        var properties = ((AmqpInbound)message).Delivery.BasicProperties;
        var own = properties.AppId == _options.NodeName;
        List<Handler> handlers;
        lock (_gate) handlers = [.. _handlers.Where(h => h.Exchange == exchange && h.Event == properties.Type && (h.FromItself || !own))];
        foreach (var handler in handlers)
        {
            try
            {
                await handler.Handle(message, Stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Warning(e, "A {Event} from {Node} could not be handled on this node", properties.Type, properties.AppId);
            }
        }
        await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private sealed record Handler(string Exchange, string Event, bool FromItself, Func<IInbound, CancellationToken, Task> Handle);
}
