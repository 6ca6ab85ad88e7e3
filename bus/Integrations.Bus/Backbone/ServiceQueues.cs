using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// On a worker, consumes a durable queue (<c>svc.&lt;name&gt;</c>) for every service in the catalog — an
/// <see cref="AmqpListener"/> each, on the <see cref="ConsumerHost{TEndpoint}"/>'s lifecycle — so every worker that
/// has a service competes for its calls; a service added later gets its queue at once, and a queue deleted by hand is
/// declared and consumed again. A call is acknowledged only after it ran and its answer was sent; a call nobody waits
/// for that fails goes to <c>svc.&lt;name&gt;_error</c> with the reason, never away.
/// </summary>
public sealed class ServiceQueues : ConsumerHost<ServiceDefinition>
{
    private readonly ServiceCatalog _catalog;
    private readonly ServiceRuntime _runtime;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;

    /// <summary>Follows the catalog.</summary>
    public ServiceQueues(ServiceCatalog catalog, ServiceRuntime runtime, RabbitBackbone backbone, NodeOptions options, ILogger log)
        : base(log.ForContext("SourceContext", "backbone"))
    {
        _catalog = catalog;
        _runtime = runtime;
        _backbone = backbone;
        _options = options;
        catalog.Added += service => Reconcile(service.Name);
        catalog.Removed += service => Reconcile(service.Name);
    }

    // The node reports itself started once it serves its services.
    /// <inheritdoc />
    protected override bool WaitAtStart => true;

    // An undeployment deletes the queue too: give its announcement time to remove the service here first.
    /// <inheritdoc />
    protected override TimeSpan LostGrace => TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        Log.Information("Serving {Count} services from their queues", _catalog.All.Count);
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, ServiceDefinition> Wanted() => _catalog.All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    // A new version of a service is served from the same queue: nothing to restart.
    /// <inheritdoc />
    protected override string Fingerprint(ServiceDefinition service) => service.Name;

    /// <inheritdoc />
    protected override async Task<IListener> ListenAsync(string name, ServiceDefinition service, InboundHandler handler, CancellationToken cancellation)
    {
        var queue = ServiceNames.QueueOf(name);
        return await AmqpListener.ListenAsync(_backbone.Connection,
            new AmqpQueue(queue, _options.ServicePrefetch, Declare: true, DeadLetterQueue: queue + "_error", PublishDurable: _backbone.PublishConfirmedAsync,
                QueueType: _options.QueueType),
            handler, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Started(string name, ServiceDefinition service) => Log.Debug("{Service}: consuming {Queue}", name, ServiceNames.QueueOf(name));

    /// <inheritdoc />
    protected override void Failed(string name, ServiceDefinition service, Exception error, TimeSpan retryIn) =>
        Log.Error("{Service}: could not consume {Queue} ({Reason}); trying again in {Seconds:0.#} s", name, ServiceNames.QueueOf(name), AmqpErrors.Explain(error), retryIn.TotalSeconds);

    // The call ran: a report that cannot be sent must not make it run again, so it is logged, not thrown.
    private async Task ReportAsync(InvokeService call, string reportTo, ServiceResult outcome, DateTimeOffset started, TimeSpan duration)
    {
        try
        {
            var (properties, body) = Wire.Report(call, outcome, started, duration);
            await _backbone.PublishConfirmedAsync(reportTo, properties, body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ForContext("Cid", call.Cid).Warning(e, "{Service}: ran ({Status}), but its outcome could not be reported to {Queue}", call.Service, outcome.Status, reportTo);
        }
    }

    /// <inheritdoc />
    protected override string? DepthKind => "service";

    /// <inheritdoc />
    protected override async Task HandleAsync(string name, ServiceDefinition service, IInbound message)
    {
        var delivery = ((AmqpInbound)message).Delivery;
        var call = Wire.ReadCall(delivery.BasicProperties, delivery.Body);
        // The run continues the trace the call came with, never a span that happened to be current on this thread.
        System.Diagnostics.Activity.Current = null;
        try
        {
            if (message.ReplyTo is null)
            {
                // Nobody waits: a durable call, which may come again after a fault; the service is told its id and whether it did.
                var properties = new Dictionary<string, string>(call.Properties ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    [ServiceContext.RedeliveredProperty] = message.Redelivered ? "true" : "false",
                };
                if (message.MessageId is { } id) properties[ServiceContext.MessageIdProperty] = id;
                call = call with { Properties = properties };
                // Sent with InvokeAsync: nobody waits, so nobody would hear of a failure; keep it in the error queue.
                var started = DateTimeOffset.UtcNow;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var outcome = await _runtime.RunHereAsync(call, Stopping).ConfigureAwait(false);
                if (Stopping.IsCancellationRequested && outcome.Status == 503)
                {
                    // Stopped by the node's shutdown: the broker gives it to another worker.
                    Log.ForContext("Cid", call.Cid).Warning("{Service}: stopped by shutdown; the call goes back to its queue", call.Service);
                    await message.DeferAsync().ConfigureAwait(false);
                    return;
                }
                if (outcome.Status >= 400)
                {
                    Log.ForContext("Cid", call.Cid).Warning("{Service}: a call nobody waits for failed ({Status}); kept in {Queue}_error",
                        call.Service, outcome.Status, ServiceNames.QueueOf(name));
                    await message.DeadLetterAsync(DeadLetter.Of(call.Cid, outcome, name, 1, _options.NodeName), CancellationToken.None).ConfigureAwait(false);
                }
                else await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                if (call.ReportTo is { } reportTo) await ReportAsync(call, reportTo, outcome, started, clock.Elapsed).ConfigureAwait(false);
                return;
            }
            if (call.Deadline != default && call.Deadline < DateTimeOffset.UtcNow)
                Log.ForContext("Cid", call.Cid).Warning("{Service}: dropped a call whose caller stopped waiting", call.Service);
            else
                await message.ReplyAsync(await _runtime.RunHereAsync(call, Stopping).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
            await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (!((AmqpInbound)message).Channel.IsOpen || e is OperationCanceledException)
        {
            // The channel closed under the call (shutdown, lost connection): unacknowledged, the broker hands it to another worker.
            Log.ForContext("Cid", call.Cid).Warning("{Service}: the call goes back to its queue: {Reason}", call.Service, e.Message);
        }
        catch (Exception e)
        {
            // Not the service's failure (the runtime answers those) but the backbone's: keep the call where an operator sees it.
            Log.ForContext("Cid", call.Cid).Error(e, "{Service}: the call could not be handled; moving it to {Queue}_error", call.Service, ServiceNames.QueueOf(name));
            try
            {
                await message.DeadLetterAsync(new DeadLetter(call.Cid, 500, e.Message, name, 1) { Node = _options.NodeName }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception again)
            {
                Log.ForContext("Cid", call.Cid).Error(again, "{Service}: the call stays unacknowledged; the broker redelivers it when this channel closes", call.Service);
            }
        }
    }
}
