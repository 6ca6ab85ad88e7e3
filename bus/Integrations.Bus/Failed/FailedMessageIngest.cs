using Integrations.Bus.Consuming;
using Serilog;

namespace Integrations.Bus.Failed;

/// <summary>
/// On a worker, consumes every dead-letter queue the platform keeps (<see cref="DeadLetterPlaces"/>) into the
/// failed-message store, as ServiceControl ingests an error queue: a message leaves its dead-letter queue only once the
/// store holds it; while PostgreSQL is away it stays there and comes again. On the consumer host's lifecycle, so it
/// follows the channels, subscriptions and services as they come and go, and comes back by itself after a broker restart.
/// </summary>
public sealed class FailedMessageIngest : ConsumerHost<DeadLetterPlace>
{
    private readonly DeadLetterPlaces _places;
    private readonly FailedMessages _store;

    /// <summary>How long a message waits in its dead-letter queue before it is stored again, after the store refused it.</summary>
    public static TimeSpan StoreRetry { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Follows the places.</summary>
    public FailedMessageIngest(DeadLetterPlaces places, FailedMessages store, ILogger log) : base(log.ForContext("SourceContext", "failed"))
    {
        _places = places;
        _store = store;
        places.Changed += ReconcileAll;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, DeadLetterPlace> Wanted() => _places.All();

    /// <inheritdoc />
    protected override string Fingerprint(DeadLetterPlace place) => $"{place.DeadLetterQueue}|{place.SourceQueue}|{place.Connection}|{place.QueueType}|{place.Service}";

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, DeadLetterPlace place, InboundHandler handler, CancellationToken cancellation)
    {
        var connection = await place.ConnectAsync(cancellation).ConfigureAwait(false);
        return await AmqpListener.ListenAsync(connection, new AmqpQueue(place.DeadLetterQueue, Prefetch: 32, Declare: true, QueueType: place.QueueType),
            handler, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Started(string name, DeadLetterPlace place) => Log.Debug("Keeping the failed messages of {Place}", place);

    /// <inheritdoc />
    protected override void Failed(string name, DeadLetterPlace place, Exception error, TimeSpan retryIn) =>
        Log.Warning("Cannot take the failed messages of {Place} ({Reason}); trying again in {Seconds:0.#} s", place, AmqpErrors.Explain(error), retryIn.TotalSeconds);

    /// <inheritdoc />
    protected override string? DepthKind => "dead_letters";

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, DeadLetterPlace place, IInbound message)
    {
        var delivery = ((AmqpInbound)message).Delivery;
        try
        {
            var record = await _store.RecordAsync(place, delivery.BasicProperties, delivery.Body, Stopping).ConfigureAwait(false);
            await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            Log.ForContext("Cid", record.Cid).Information("failed ← {Kind} {Channel}: {Status} {Error}; kept as failed message {Id} (group {Group})",
                record.Kind, record.Channel, record.Status, record.Error, record.Id, record.Group);
        }
        catch (Exception e) when (e is not OperationCanceledException || !Stopping.IsCancellationRequested)
        {
            // The database is away: the message stays in its dead-letter queue and comes again.
            Log.Warning("A failed message of {Place} could not be stored ({Reason}); it stays in {Queue} and is tried again", place, e.Message, place.DeadLetterQueue);
            try
            {
                await Task.Delay(StoreRetry, Stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: back to the broker now.
            }
            await message.DeferAsync().ConfigureAwait(false);
        }
    }
}
