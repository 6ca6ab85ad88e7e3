using System.Collections.Concurrent;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// On a worker, connects a queue (<c>svc.&lt;name&gt;</c>) for every service in the catalog at run time, so
/// every worker that has a service competes for its calls; a service added later gets its queue at once.
/// </summary>
public sealed class ServiceEndpoints(ServiceCatalog catalog, ServiceRuntime runtime, IReceiveEndpointConnector connector, NodeOptions options, ILogger log)
    : IHostedService
{
    private readonly ConcurrentDictionary<string, HostReceiveEndpointHandle> _endpoints = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _log = log.ForContext("SourceContext", "backbone");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Added += OnAdded;
        catalog.Removed += OnRemoved;
        await Task.WhenAll(catalog.All.Select(ConnectAsync)).ConfigureAwait(false);
        _log.Information("Serving {Count} services from their queues", catalog.All.Count);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        catalog.Added -= OnAdded;
        catalog.Removed -= OnRemoved;
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    private void OnAdded(ServiceDefinition service) => _ = ConnectAsync(service);

    private void OnRemoved(ServiceDefinition service)
    {
        if (_endpoints.TryRemove(service.Name, out var handle)) _ = handle.StopAsync();
    }

    private async Task ConnectAsync(ServiceDefinition service)
    {
        if (_endpoints.ContainsKey(service.Name)) return;
        var queue = ServiceNames.QueueOf(service.Name);
        var handle = connector.ConnectReceiveEndpoint(queue, (_, endpoint) =>
        {
            // Calls reach a service only through its own queue, never through a fan-out of InvokeService.
            endpoint.ConfigureConsumeTopology = false;
            endpoint.PrefetchCount = options.ServicePrefetch;
            endpoint.Handler<InvokeService>(HandleAsync);
        });
        if (!_endpoints.TryAdd(service.Name, handle))
        {
            await handle.StopAsync().ConfigureAwait(false);
            return;
        }
        await handle.Ready.ConfigureAwait(false);
    }

    private async Task HandleAsync(ConsumeContext<InvokeService> context)
    {
        var request = context.Message;
        if (context.ResponseAddress is null)
        {
            // Sent with InvokeAsync: nobody waits, so nobody would hear of a failure. Let MassTransit move the
            // message to the service's error queue (svc.<name>_error), with the reason, where an operator sees it.
            var outcome = await runtime.RunHereAsync(request, _stopping.Token).ConfigureAwait(false);
            if (outcome.Status >= 400) throw new ServiceCallFailedException(request.Service, outcome);
            return;
        }

        if (request.Deadline != default && request.Deadline < DateTimeOffset.UtcNow)
        {
            _log.ForContext("Cid", request.Cid).Warning("{Service}: dropped a call whose caller stopped waiting", request.Service);
            return;
        }
        var result = await runtime.RunHereAsync(request, _stopping.Token).ConfigureAwait(false);
        await context.RespondAsync(result, send => send.Durable = false).ConfigureAwait(false);
    }
}

/// <summary>A call sent with <c>InvokeAsync</c> failed; the message goes to the service's error queue.</summary>
public sealed class ServiceCallFailedException(string service, ServiceResult result)
    : Exception($"{service} answered {result.Status}: {result.Error} (cid={result.Cid})");
