using System.Collections.Concurrent;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// On a worker, consumes a durable queue (<c>svc.&lt;name&gt;</c>) for every service in the catalog, so every worker
/// that has a service competes for its calls; a service added later gets its queue at once. A call is acknowledged
/// only after it ran and its answer was sent; a call nobody waits for that fails goes to <c>svc.&lt;name&gt;_error</c>
/// with the reason, never away.
/// </summary>
public sealed class ServiceQueues(ServiceCatalog catalog, ServiceRuntime runtime, RabbitBackbone backbone, NodeOptions options, ILogger log)
    : IHostedService
{
    private readonly ConcurrentDictionary<string, (IChannel Channel, string Tag)> _consumers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _running;
    private volatile bool _draining;
    private readonly ILogger _log = log.ForContext("SourceContext", "backbone");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Added += OnAdded;
        catalog.Removed += OnRemoved;
        await Task.WhenAll(catalog.All.Select(ConsumeAsync)).ConfigureAwait(false);
        _log.Information("Serving {Count} services from their queues", catalog.All.Count);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        catalog.Added -= OnAdded;
        catalog.Removed -= OnRemoved;
        // Stop taking calls first; calls already running finish and are acknowledged (for up to 10 s), so none runs twice.
        _draining = true;
        foreach (var (channel, tag) in _consumers.Values)
            if (channel.IsOpen) await channel.BasicCancelAsync(tag, cancellationToken: cancellationToken).ConfigureAwait(false);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _running) > 0 && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (channel, _) in _consumers.Values) await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void OnAdded(ServiceDefinition service) =>
        _ = ConsumeAsync(service).ContinueWith(t => _log.Error(t.Exception, "{Service}: could not consume its queue", service.Name),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private void OnRemoved(ServiceDefinition service)
    {
        if (_consumers.TryRemove(service.Name, out var consumer)) _ = consumer.Channel.CloseAsync();
    }

    private async Task ConsumeAsync(ServiceDefinition service)
    {
        var queue = ServiceNames.QueueOf(service.Name);
        var channel = await backbone.Connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: (ushort)Math.Clamp(options.ServicePrefetch, 1, 512))).ConfigureAwait(false);
        if (_consumers.ContainsKey(service.Name))
        {
            await channel.CloseAsync().ConfigureAwait(false);
            return;
        }
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false).ConfigureAwait(false);
        await channel.BasicQosAsync(0, (ushort)options.ServicePrefetch, false).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, queue, delivery);
        channel.ChannelShutdownAsync += (_, reason) => ReconsumeAsync(service, channel, reason);
        consumer.UnregisteredAsync += (_, cancelled) => ResumeAsync(service, channel, consumer, cancelled.ConsumerTags);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer).ConfigureAwait(false);
        if (!_consumers.TryAdd(service.Name, (channel, tag))) await channel.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The broker closed a service's channel while the connection stays up (e.g. a call held longer than its
    /// consumer_timeout): consume the queue again on a new channel, or this node would stop serving the service.
    /// A lost connection is not handled here: the client recovers it with its channels and consumers.
    /// </summary>
    private async Task ReconsumeAsync(ServiceDefinition service, IChannel closed, ShutdownEventArgs reason)
    {
        if (_stopping.IsCancellationRequested || reason.Initiator != ShutdownInitiator.Peer || !backbone.Connection.IsOpen) return;
        if (!_consumers.TryGetValue(service.Name, out var current) || !ReferenceEquals(current.Channel, closed)) return;
        _consumers.TryRemove(service.Name, out _);
        _log.Warning("{Service}: the broker closed its channel ({Reason}); consuming {Queue} again", service.Name, reason.ReplyText, ServiceNames.QueueOf(service.Name));
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        if (catalog.TryGet(service.Name, out var still)) await ConsumeAsync(still).ConfigureAwait(false);
    }

    /// <summary>
    /// The broker cancelled a consumer without being asked (the queue was deleted by hand): declare the queue again
    /// and go on consuming, or this node would stop serving the service.
    /// </summary>
    private async Task ResumeAsync(ServiceDefinition service, IChannel channel, AsyncEventingBasicConsumer consumer, string[] tags)
    {
        if (_draining || !channel.IsOpen) return;
        // An undeployment deletes the queue too: give its announcement time to remove the service here first.
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        if (_draining || !channel.IsOpen || !catalog.TryGet(service.Name, out _)) return;
        if (!_consumers.TryGetValue(service.Name, out var current) || !ReferenceEquals(current.Channel, channel) || !tags.Contains(current.Tag)) return;
        var queue = ServiceNames.QueueOf(service.Name);
        _log.Warning("{Service}: the broker cancelled the consumer of {Queue} (deleted?); declaring it and consuming again", service.Name, queue);
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false).ConfigureAwait(false);
            var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer).ConfigureAwait(false);
            _consumers[service.Name] = (channel, tag);
        }
        catch (Exception e)
        {
            _log.Error(e, "{Service}: could not consume {Queue} again", service.Name, queue);
        }
    }

    // The call ran: a report that cannot be sent must not make it run again, so it is logged, not thrown.
    private async Task ReportAsync(InvokeService call, string reportTo, ServiceResult outcome, DateTimeOffset started, TimeSpan duration)
    {
        try
        {
            var (properties, body) = Wire.Report(call, outcome, started, duration);
            await backbone.PublishConfirmedAsync(reportTo, properties, body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.ForContext("Cid", call.Cid).Warning(e, "{Service}: ran ({Status}), but its outcome could not be reported to {Queue}", call.Service, outcome.Status, reportTo);
        }
    }

    private async Task HandleAsync(IChannel channel, string queue, BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var call = Wire.ReadCall(properties, delivery.Body);
        Interlocked.Increment(ref _running);
        try
        {
            if (properties.ReplyTo is not { } replyTo)
            {
                // Sent with InvokeAsync: nobody waits, so nobody would hear of a failure; keep it in the error queue.
                var started = DateTimeOffset.UtcNow;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var outcome = await runtime.RunHereAsync(call, _stopping.Token).ConfigureAwait(false);
                if (_stopping.IsCancellationRequested && outcome.Status == 503)
                {
                    // Stopped by the node's shutdown: leave it unacknowledged; the broker gives it to another worker.
                    _log.ForContext("Cid", call.Cid).Warning("{Service}: stopped by shutdown; the call goes back to its queue", call.Service);
                    return;
                }
                if (outcome.Status >= 400)
                {
                    _log.ForContext("Cid", call.Cid).Warning("{Service}: a call nobody waits for failed ({Status}); kept in {Queue}_error",
                        call.Service, outcome.Status, queue);
                    await backbone.PublishConfirmedAsync(queue + "_error", Wire.Failed(properties, outcome), delivery.Body.ToArray(), CancellationToken.None)
                        .ConfigureAwait(false);
                }
                if (call.ReportTo is { } reportTo) await ReportAsync(call, reportTo, outcome, started, clock.Elapsed).ConfigureAwait(false);
            }
            else if (call.Deadline != default && call.Deadline < DateTimeOffset.UtcNow)
            {
                _log.ForContext("Cid", call.Cid).Warning("{Service}: dropped a call whose caller stopped waiting", call.Service);
            }
            else
            {
                var result = await runtime.RunHereAsync(call, _stopping.Token).ConfigureAwait(false);
                var (answerProperties, body) = Wire.Answer(result, properties.CorrelationId);
                await channel.BasicPublishAsync("", replyTo, mandatory: false, answerProperties, body).ConfigureAwait(false);
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        }
        catch (Exception e) when (!channel.IsOpen || e is OperationCanceledException)
        {
            // The channel closed under the call (shutdown, lost connection): unacknowledged, the broker hands it to another worker.
            _log.ForContext("Cid", call.Cid).Warning("{Service}: the call goes back to its queue: {Reason}", call.Service, e.Message);
        }
        catch (Exception e)
        {
            // Not the service's failure (the runtime answers those) but the backbone's: keep the call where an operator sees it.
            _log.ForContext("Cid", call.Cid).Error(e, "{Service}: the call could not be handled; moving it to {Queue}_error", call.Service, queue);
            try
            {
                await backbone.PublishConfirmedAsync(queue + "_error",
                    Wire.Failed(properties, ServiceResult.Failed(call.Cid, 500, e.Message)), delivery.Body.ToArray(), CancellationToken.None).ConfigureAwait(false);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
            }
            catch (Exception again)
            {
                _log.ForContext("Cid", call.Cid).Error(again, "{Service}: the call stays unacknowledged; the broker redelivers it when this channel closes", call.Service);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
