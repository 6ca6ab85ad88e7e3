using Integrations.Bus.Node;
using Marten;
using Microsoft.Extensions.Hosting;
using Serilog;
using Integrations.Messages;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// The run history of scheduled jobs: a run is stored when it fires, and completed when the worker that ran it
/// reports back through <see cref="ReportQueue"/> (consumed by every node with the scheduler role, see
/// <see cref="RunReports"/>). Runs older than <see cref="NodeOptions.JobHistory"/> are deleted.
/// </summary>
public sealed class JobRuns(IDocumentStore store, NodeOptions options, ILogger log) : BackgroundService
{
    /// <summary>The durable queue where workers report the outcome of scheduled runs; one per config store, so clusters sharing a broker keep apart.</summary>
    public string ReportQueue { get; } = "esb.scheduler.runs." + options.Schema;

    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");

    /// <summary>Records a run that was just fired.</summary>
    public async Task StartedAsync(JobRun run, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Store(run);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Records how a run ended.</summary>
    public async Task FinishedAsync(string cid, ServiceResult result, DateTimeOffset? started, TimeSpan? duration, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<JobRun>(cid, cancellation).ConfigureAwait(false) is not { } run)
        {
            _log.ForContext("Cid", cid).Warning("A run was reported that is not in the history (deleted as too old?); status {Status}", result.Status);
            return;
        }
        run.Outcome = result.Status < 400 ? "ok" : "failed";
        run.Status = result.Status;
        run.Error = result.Status < 400 ? null : result.Error;
        run.Started = started;
        run.DurationMs = duration?.TotalMilliseconds;
        session.Store(run);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The last <paramref name="limit"/> runs of <paramref name="job"/>, newest first.</summary>
    public async Task<IReadOnlyList<JobRun>> LastAsync(string job, int limit, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobRun>().Where(r => r.Job == job).OrderByDescending(r => r.Due).ThenByDescending(r => r.Fired).Take(limit)
            .ToListAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Roles.HasFlag(NodeRoles.Scheduler)) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var session = store.LightweightSession();
                var before = DateTimeOffset.UtcNow - options.JobHistory;
                session.DeleteWhere<JobRun>(r => r.Fired < before);
                await session.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Warning(e, "Old job runs could not be deleted; trying again in an hour");
            }
        }
        while (await NextAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
