using System.Threading.Channels;
using Integrations.Bus.Config;
using Integrations.Bus.Config.Kinds;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Integrations.Config;
using Marten;
using Microsoft.Extensions.Hosting;
using Quartz;
using Serilog;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// Keeps the Quartz store in step with the scheduled jobs in the config store, which is the source of truth: at
/// start for every job, then for each job that changes. Several nodes may apply the same change; under a cluster
/// lock, each compares what the store holds with the job as committed and changes only what differs, so a trigger
/// is replaced once, when its schedule changed, and pausing or editing the input keeps the schedule's rhythm.
/// </summary>
public sealed class SchedulerSync(JobScheduler scheduler, IDocumentStore store, ConfigView view, NodeOptions options, ILogger log)
    : BackgroundService, IConfigApplier
{
    private static readonly string Kind = ConfigKinds.NameOf(typeof(ScheduledJob));
    private readonly Channel<string?> _pending = Channel.CreateUnbounded<string?>();
    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");
    private IDisposable? _watch;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _watch = view.Watch([Kind], (_, name) => _pending.Writer.TryWrite(name));
        await ApplyAllAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var name in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await using var _ = await ClusterLock.AcquireAsync(options, "scheduler-sync", stoppingToken).ConfigureAwait(false);
                    await ApplyAsync(name!, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.Error(e, "Job {Job}: the schedule could not be updated; it is tried again when the node starts or the job changes", name);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    /// <summary>Applies a job saved or deleted on this node before the change is reported done, so "run now" works at once.</summary>
    public async Task ApplyAsync(string kind, string name, CancellationToken cancellation)
    {
        if (kind != Kind) return;
        await using var _ = await ClusterLock.AcquireAsync(options, "scheduler-sync", cancellation).ConfigureAwait(false);
        await ApplyAsync(name, cancellation).ConfigureAwait(false);
    }

    /// <summary>Brings every configured job into the Quartz store, and removes jobs that are no longer configured.</summary>
    public async Task ApplyAllAsync(CancellationToken cancellation)
    {
        await using var _ = await ClusterLock.AcquireAsync(options, "scheduler-sync", cancellation).ConfigureAwait(false);
        IReadOnlyList<ScheduledJob> jobs;
        await using (var session = store.QuerySession())
            jobs = await session.Query<ScheduledJob>().ToListAsync(cancellation).ConfigureAwait(false);
        foreach (var job in jobs) await ApplyAsync(job.Name, cancellation).ConfigureAwait(false);
        var names = jobs.Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in await (await scheduler.QuartzAsync(cancellation).ConfigureAwait(false)).GetJobKeys(GroupMatcher<JobKey>.GroupEquals(JobScheduler.ConfiguredGroup), cancellation).ConfigureAwait(false))
            if (!names.Contains(key.Name)) await ApplyAsync(key.Name, cancellation).ConfigureAwait(false);
    }

    // Called under the cluster lock.
    private async Task ApplyAsync(string name, CancellationToken cancellation)
    {
        ScheduledJob? job;
        await using (var session = store.QuerySession())
            job = await session.LoadAsync<ScheduledJob>(name, cancellation).ConfigureAwait(false);
        var quartz = await scheduler.QuartzAsync(cancellation).ConfigureAwait(false);
        var key = new JobKey(name, JobScheduler.ConfiguredGroup);
        var stored = await quartz.GetJobDetail(key, cancellation).ConfigureAwait(false);
        if (job is null)
        {
            if (stored is not null && await quartz.DeleteJob(key, cancellation).ConfigureAwait(false))
                _log.Information("Job {Job} deleted: it runs no more", name);
            return;
        }

        InvokeParameters.TryParse(job.Extra, out var input, out _);
        var detail = JobBuilder.Create<ServiceJob>().WithIdentity(key).StoreDurably()
            .UsingJobData(JobScheduler.JobKeyName, name).UsingJobData(JobScheduler.ServiceKey, job.Service)
            .UsingJobData(JobScheduler.InputKey, input).UsingJobData(JobScheduler.ScheduleKey, JobSchedules.Fingerprint(job)).Build();
        var triggerKey = new TriggerKey(name, JobScheduler.ConfiguredGroup);

        if (stored is null || stored.JobDataMap.GetString(JobScheduler.ScheduleKey) != JobSchedules.Fingerprint(job))
        {
            var trigger = JobSchedules.Trigger(job, key, DateTimeOffset.UtcNow);
            await quartz.ScheduleJob(detail, [trigger], new ScheduleJobOptions { Replace = true, Paused = !job.IsActive }, cancellation).ConfigureAwait(false);
            var next = (await quartz.GetTrigger(triggerKey, cancellation).ConfigureAwait(false))?.NextFireTimeUtc;
            _log.Information("Job {Job} scheduled: {Service}, {Schedule}; {Next}", name, job.Service, Describe(job),
                !job.IsActive ? "paused" : next is { } at ? $"next run {at:O}" : "no run due");
            return;
        }

        if (stored.JobDataMap.GetString(JobScheduler.ServiceKey) != job.Service || stored.JobDataMap.GetString(JobScheduler.InputKey) != input)
        {
            await quartz.AddJob(detail, new AddJobOptions { Replace = true }, cancellation).ConfigureAwait(false);
            _log.Information("Job {Job} now invokes {Service} with its new input; the schedule is unchanged", name, job.Service);
        }
        var state = await quartz.GetTriggerState(triggerKey, cancellation).ConfigureAwait(false);
        if (!job.IsActive && state is not (TriggerState.Paused or TriggerState.Complete or TriggerState.None))
        {
            await quartz.PauseTrigger(triggerKey, cancellation).ConfigureAwait(false);
            _log.Information("Job {Job} paused", name);
        }
        else if (job.IsActive && state == TriggerState.Paused)
        {
            await quartz.ResumeTrigger(triggerKey, cancellation).ConfigureAwait(false);
            _log.Information("Job {Job} resumed", name);
        }
    }

    private static string Describe(ScheduledJob job) => job.JobType switch
    {
        ScheduledJob.CronStyle => $"cron '{job.Cron}' in {job.TimeZone ?? "UTC"}",
        ScheduledJob.OneTime => $"once at {job.StartDate:O}",
        _ => "every " + string.Join(" ", new[] { (job.Weeks, "w"), (job.Days, "d"), (job.Hours, "h"), (job.Minutes, "m"), (job.Seconds, "s") }
            .Where(u => u.Item1 is > 0).Select(u => $"{u.Item1}{u.Item2}")) + (job.Repeats is { } n ? $", {n} runs" : ""),
    };
}
