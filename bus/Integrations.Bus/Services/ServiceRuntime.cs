using System.Diagnostics;
using Integrations.Bus.Backbone;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Bus.Services;

/// <summary>
/// Runs services in this process: binds the input, makes the context, calls <c>Handle</c>, and turns
/// every outcome into a <see cref="ServiceResult"/>. The log has the details; the caller gets words.
/// </summary>
public sealed class ServiceRuntime(ServiceDirectory directory, ServiceClient client, IOutgoingConnections connections, ICallScheduler scheduler,
    Backbone.Pushes pushes, ITopicPublisher topics, Telemetry.Hops hops, ILogger log)
    : IServiceRuntime
{
    private readonly ILogger _log = log;

    /// <summary>How often each service ran on this node, and how long it took.</summary>
    public ServiceStats Stats { get; } = new();


    /// <inheritdoc />
    public async Task<ServiceResult> RunHereAsync(InvokeService request, CancellationToken cancellation)
    {
        if (!directory.TryResolve(request, out var descriptor, out request, out var refusal)) return refusal!;
        var hop = hops.Run(request, descriptor.Origin);
        var started = Stopwatch.GetTimestamp();
        Telemetry.EsbTelemetry.InFlight.Add(1);
        var result = await RunAsync(descriptor, request, started, cancellation).ConfigureAwait(false);
        Telemetry.EsbTelemetry.InFlight.Add(-1);
        Stats.Record(request.Service, Stopwatch.GetElapsedTime(started), result.Status);
        hop.End(result.Status, result.Error);
        return result;
    }

    private async Task<ServiceResult> RunAsync(ServiceDefinition descriptor, InvokeService request, long started, CancellationToken cancellation)
    {
        // The service's own lines name it as their source and carry the call's cid.
        var log = _log.ForContext("SourceContext", request.Service).ForContext("Cid", request.Cid);
        var shutdown = cancellation;
        // A call nobody waits for (InvokeAsync) has the service's timeout, counted from now (the directory says so).
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(request.Deadline - DateTimeOffset.UtcNow);
        cancellation = deadline.Token;

        try
        {
            var context = new ServiceContext(request, new Logging.SerilogServiceLog(log), this, cancellation);
            var output = await descriptor.Create().RunAsync(context).ConfigureAwait(false);
            return context.ResponseIfSet is { } response
                ? new ServiceResult { Cid = request.Cid, Status = response.Status, Output = output, Headers = response.Headers.Count > 0 ? response.Headers : null }
                : ServiceResult.Ok(request.Cid, output);
        }
        catch (ServiceException e) when (e.Status is < 400 or > 599)
        {
            log.Error(e, "{Service} threw a ServiceException with status {Status}, which is not an error status (400–599)", request.Service, e.Status);
            return ServiceResult.Failed(request.Cid, 500, $"{request.Service} failed; the server log has the details under cid={request.Cid}");
        }
        catch (ServiceException e)
        {
            log.Warning("{Service} answered {Status}: {Reason}", request.Service, e.Status, e.Message);
            return ServiceResult.Failed(request.Cid, e.Status, e.Message);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            log.Warning("{Service} stopped: the node is shutting down", request.Service);
            return ServiceResult.Failed(request.Cid, 503, $"{request.Service} stopped: the node is shutting down; call again");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            log.Warning("{Service} ran past its deadline after {Elapsed:0.0} ms", request.Service, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return ServiceResult.Failed(request.Cid, 504, $"{request.Service} did not finish before its deadline");
        }
        catch (Exception e)
        {
            log.Error(e, "{Service} failed after {Elapsed:0.0} ms", request.Service, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return ServiceResult.Failed(request.Cid, 500, $"{request.Service} failed; the server log has the details under cid={request.Cid}")
                with { Exception = e.GetType().FullName, Frame = FirstFrameOf(e) };
        }
        finally
        {
            deadline.Dispose();
        }
    }

    // "at Orders.Ship.Handle(Input input, ServiceContext ctx) in Ship.cs:line 12", without the file's folder.
    private static string? FirstFrameOf(Exception e)
    {
        var line = e.StackTrace?.Split('\n', 2)[0].Trim();
        if (string.IsNullOrEmpty(line)) return null;
        var file = line.IndexOf(" in ", StringComparison.Ordinal);
        return file < 0 ? line : line[..(file + 4)] + Path.GetFileName(line[(file + 4)..]);
    }

    /// <inheritdoc />
    public IOutgoingConnections Connections => connections;

    /// <inheritdoc />
    public Task<string> ScheduleOnceAsync(InvokeService request, DateTimeOffset at, CancellationToken cancellation) =>
        scheduler.ScheduleOnceAsync(request, at, cancellation);

    /// <inheritdoc />
    public Task<bool> CancelScheduledAsync(string id, CancellationToken cancellation) => scheduler.CancelOnceAsync(id, cancellation);

    /// <inheritdoc />
    public Task PublishAsync(string topic, string json, string cid, CancellationToken cancellation) => topics.PublishAsync(topic, json, cid, cancellation);

    /// <inheritdoc />
    public Task PushAsync(string target, string json, string cid, CancellationToken cancellation) => pushes.PublishAsync(target, json, cid, cancellation);

    /// <inheritdoc />
    public Task SendAsync(InvokeService request, CancellationToken cancellation) => client.SendAsync(request, cancellation);
}
