using Integrations.Bus.Services;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// Calls services through the backbone: <see cref="InvokeAsync"/> waits for the answer (what channels do),
/// <see cref="SendAsync"/> leaves a durable message in the service's queue and returns.
/// </summary>
public sealed class ServiceClient(ServiceCatalog catalog, ServiceDirectory directory, RabbitBackbone backbone, Telemetry.Hops hops, ILogger log)
{
    private readonly ILogger _log = log.ForContext("SourceContext", "backbone");

    /// <summary>
    /// Sends <paramref name="request"/> to its service's queue and waits for the result until the deadline
    /// (the service's timeout unless the request carries one). Unknown services are answered at once with 404;
    /// a passed deadline is a 504.
    /// </summary>
    public async Task<ServiceResult> InvokeAsync(InvokeService request, CancellationToken cancellation = default)
    {
        if (!directory.TryResolve(request, out _, out request, out var refusal)) return refusal!;
        var timeout = request.Deadline - DateTimeOffset.UtcNow;
        var hop = hops.Backbone(request.Service, request.Cid, waiting: true);
        try
        {
            var result = await CallAsync(request, timeout, cancellation).ConfigureAwait(false);
            hop.End(result.Status, result.Error);
            return result;
        }
        catch (OperationCanceledException)
        {
            hop.End(499, "the caller stopped waiting");
            throw;
        }
    }

    private async Task<ServiceResult> CallAsync(InvokeService request, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            if (!backbone.IsConnected)
            {
                // The backbone is connecting again (and says so): answer at once, without a failure per call in the log.
                _log.ForContext("Cid", request.Cid).Warning("{Service}: the message bus is not reachable right now; answered 503", request.Service);
                return ServiceResult.Unavailable(request.Cid, RabbitBackbone.Unreachable(request.Service, request.Cid));
            }
            return await backbone.CallAsync(ServiceNames.QueueOf(request.Service), request, timeout, cancellation).ConfigureAwait(false)
                ?? ServiceResult.Failed(request.Cid, 504, $"{request.Service} did not answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (RabbitBackbone.AnswerLostException e)
        {
            // Taken, perhaps run, but its answer was to come on the connection that was lost (the backbone says so once).
            _log.ForContext("Cid", request.Cid).Warning("{Service}: {Reason}; answered 503", request.Service, e.Message);
            return ServiceResult.Unavailable(request.Cid, RabbitBackbone.Unreachable(request.Service, request.Cid));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The broker refused or lost the call (connection down, channel closed): say so, and keep serving.
            _log.ForContext("Cid", request.Cid).Error(e, "{Service}: the backbone could not take the call", request.Service);
            return ServiceResult.Unavailable(request.Cid, RabbitBackbone.Unreachable(request.Service, request.Cid));
        }
    }

    /// <summary>Leaves a durable call in the service's queue; any node that has the service runs it, even after a restart.</summary>
    /// <exception cref="ServiceException">404 when no such service exists; 503 when the broker did not take it.</exception>
    public async Task SendAsync(InvokeService request, CancellationToken cancellation = default)
    {
        if (!catalog.TryGet(request.Service, out _))
            throw new ServiceException(404, catalog.NoSuchService(request.Service));
        try
        {
            if (!backbone.IsConnected)
            {
                _log.ForContext("Cid", request.Cid).Warning("{Service}: the message bus is not reachable right now; the call was not taken (503)", request.Service);
                throw new ServiceException(503, RabbitBackbone.Unreachable(request.Service, request.Cid));
            }
            var hop = hops.Backbone(request.Service, request.Cid, waiting: false);
            try
            {
                await backbone.SendAsync(ServiceNames.QueueOf(request.Service), request, cancellation).ConfigureAwait(false);
                hop.End(202);
            }
            catch (Exception e)
            {
                hop.End(503, e.Message);
                throw;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not ServiceException)
        {
            _log.ForContext("Cid", request.Cid).Error(e, "{Service}: the backbone could not take the call", request.Service);
            throw new ServiceException(503, RabbitBackbone.Unreachable(request.Service, request.Cid));
        }
    }
}
