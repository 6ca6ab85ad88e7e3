using Integrations.Bus.Backbone;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Serilog;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// On a node with the scheduler role, consumes <see cref="JobRuns.ReportQueue"/> (on the consumer host's lifecycle,
/// so it comes back by itself after the broker did) and completes each reported run in the history. A report that
/// cannot be recorded (the database is away) goes back to its queue and comes again.
/// </summary>
public sealed class RunReports(JobRuns runs, RabbitBackbone backbone, NodeOptions options, ILogger log)
    : ConsumerHost<string>(log.ForContext("SourceContext", "scheduler"))
{
    private const string Name = "run reports";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Wanted() =>
        options.Roles.HasFlag(NodeRoles.Scheduler) ? new Dictionary<string, string> { [Name] = runs.ReportQueue } : new Dictionary<string, string>();

    /// <inheritdoc />
    protected override string Fingerprint(string queue) => queue;

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, string queue, InboundHandler handler, CancellationToken cancellation) =>
        await AmqpListener.ListenAsync(backbone.Connection, new AmqpQueue(queue, Prefetch: 32, QueueType: options.QueueType), handler, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    protected override void Started(string name, string queue) => Log.Debug("Recording the outcomes of scheduled runs from {Queue}", queue);

    /// <inheritdoc />
    protected override void Failed(string name, string queue, Exception error, TimeSpan retryIn) =>
        Log.Error("Cannot listen to {Queue} ({Reason}); trying again in {Seconds:0.#} s", queue, AmqpErrors.Explain(error), retryIn.TotalSeconds);

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, string queue, IInbound message)
    {
        var delivery = ((AmqpInbound)message).Delivery;
        try
        {
            var (result, started, duration) = Wire.ReadReport(delivery.BasicProperties, delivery.Body);
            await runs.FinishedAsync(result.Cid, result, started, duration, CancellationToken.None).ConfigureAwait(false);
            await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database is away: the report stays in its queue and comes again.
            Log.Warning(e, "A run's outcome could not be recorded; it is kept in {Queue} and tried again", queue);
            await Task.Delay(TimeSpan.FromSeconds(1), Stopping).ConfigureAwait(false);
            await message.DeferAsync().ConfigureAwait(false);
        }
    }
}
