using Integrations.Bus.Backbone;
using Integrations.Bus.Node;
using Quartz;
using Serilog;
using Integrations.Messages;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// One firing of a scheduled job: records the run, then sends the job's call to its service's queue as a durable
/// message that names <see cref="JobRuns.ReportQueue"/>, so whichever worker runs it reports the outcome. Each run
/// has its own cid, on every log line of the run.
/// </summary>
public sealed class ServiceJob(ServiceClient client, JobRuns runs, Bus.Telemetry.Hops hops, NodeOptions options, ILogger log) : IJob
{
    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellation)
    {
        var data = context.MergedJobDataMap;
        var job = data.GetString(JobScheduler.JobKeyName) ?? context.JobDetail.Key.Name;
        var service = data.GetString(JobScheduler.ServiceKey) ?? "";
        var manual = data.GetString(JobScheduler.ManualKey) == "true";
        var cid = Cid.New();
        var fired = DateTimeOffset.UtcNow;
        var due = manual ? fired : context.ScheduledFireTimeUtc ?? fired;
        var log = _log.ForContext("Cid", cid);

        var run = new JobRun
        {
            Cid = cid, Job = job, Service = service, Node = options.NodeName, Due = due, Fired = fired, Manual = manual,
            ScheduledBy = data.GetString(JobScheduler.ScheduledByKey),
        };
        log.Information("job {Job} → {Service}; {Why}; late={Late:0.0} ms{ScheduledBy}", job, service,
            manual ? "run now" : $"due {due:HH:mm:ss.fff}", (fired - due).TotalMilliseconds,
            run.ScheduledBy is { } by ? $"; scheduled by cid={by}" : "");
        if (!manual) Bus.Telemetry.EsbTelemetry.JobFired(job, fired - due);
        // A firing starts a trace of its own; the run it sends continues it wherever it runs.
        System.Diagnostics.Activity.Current = null;
        var hop = hops.Channel("scheduler", job, cid);
        await runs.StartedAsync(run, cancellation).ConfigureAwait(false);
        try
        {
            await client.SendAsync(new InvokeService
            {
                Service = service, Cid = cid, Input = InvokeService.Json(data.GetString(JobScheduler.InputKey) ?? "{}"),
                Channel = "scheduler", Caller = job, ReportTo = runs.ReportQueue,
            }, cancellation).ConfigureAwait(false);
            hop.End(202);
        }
        catch (ServiceException e)
        {
            hop.End(e.Status, e.Message);
            log.Warning("job {Job}: {Reason}", job, e.Message);
            await runs.FinishedAsync(cid, ServiceResult.Failed(cid, e.Status, e.Message), null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            hop.End(503, e.Message);
            log.Error(e, "job {Job}: the call to {Service} could not be sent; this run is lost, the next one is due as scheduled", job, service);
            await runs.FinishedAsync(cid, ServiceResult.Failed(cid, 503, $"the message bus did not take the call: {e.Message}"), null, null, CancellationToken.None)
                .ConfigureAwait(false);
        }
    }
}
