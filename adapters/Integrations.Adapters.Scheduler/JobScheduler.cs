using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;
using Serilog;
using Integrations.Messages;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// The node's handle on the cluster's Quartz scheduler, whose jobs and triggers live in PostgreSQL. Every node can
/// change the schedule; nodes with the <c>scheduler</c> role also fire it, each firing on exactly one of them
/// (Quartz's clustered store takes a row lock per acquisition). Firing means sending the job's call to its
/// service's queue (<see cref="ServiceJob"/>).
/// </summary>
public sealed class JobScheduler(ISchedulerFactory factory, NodeOptions options, ServiceCatalog catalog, ILogger log) : IHostedService, ICallScheduler
{
    /// <summary>The Quartz group of jobs defined in the config store (one per <see cref="Integrations.Config.ScheduledJob"/>).</summary>
    public const string ConfiguredGroup = "esb.jobs";
    /// <summary>The Quartz group of one-time runs services schedule for themselves.</summary>
    public const string OnceGroup = "esb.once";

    // Job data keys are a persistent contract: stored jobs carry them across upgrades.
    internal const string JobKeyName = "esb.job", ServiceKey = "esb.service", InputKey = "esb.input", ScheduleKey = "esb.schedule",
        ScheduledByKey = "esb.scheduled-by", ManualKey = "esb.manual";

    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");
    private readonly TaskCompletionSource<IScheduler> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The Quartz scheduler, once the node has built it: callers that come earlier (a scheduling message consumed, or
    /// a service run, while the node starts) wait for it rather than fail.
    /// </summary>
    public Task<IScheduler> QuartzAsync(CancellationToken cancellation) => _ready.Task.WaitAsync(cancellation);

    /// <summary>Whether this node fires jobs.</summary>
    public bool Fires => options.Roles.HasFlag(NodeRoles.Scheduler);

    /// <summary>Registers Quartz with its clustered PostgreSQL store in the node's schema.</summary>
    public static void Register(IServiceCollection services, NodeOptions options)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                // One name for the whole cluster; each node its own instance id.
                s.InstanceName = "esb";
                s.InstanceId = options.NodeName;
                // A job saved on a node that does not fire is seen by the others within this time.
                s.IdleWaitTime = TimeSpan.FromSeconds(5);
            });
            q.UseDefaultThreadPool(10);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(options.Postgres);
                store.UseClustering(c =>
                {
                    // A node silent for the takeover time has its jobs taken over by another.
                    c.CheckinInterval = options.SchedulerTakeover / 3;
                    c.CheckinMisfireThreshold = options.SchedulerTakeover;
                });
                store.ConfigureStore(s =>
                {
                    s.TablePrefix = options.Schema + ".qrtz_";
                    s.SchemaProvisioning = SchemaProvisioning.CreateIfMissing;
                    s.StoreJobDataAsStrings = true;
                    // A run this late was missed (the cluster was down, or the job paused) and its misfire policy
                    // decides: once, skipped or all. Later than the default (60 s) would fire every missed run of a short
                    // interval in a burst, as merely late ones.
                    s.MisfireThreshold = TimeSpan.FromSeconds(5);
                });
            });
        });
        services.AddTransient<ServiceJob>();
        services.AddTransient<ScheduledMessageJob>();
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IScheduler scheduler;
        // Nodes starting together would race to create the tables: one at a time.
        await using (await ClusterLock.AcquireAsync(options, "scheduler-schema", cancellationToken).ConfigureAwait(false))
        {
            await using (var connection = new NpgsqlConnection(options.Postgres))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var create = new NpgsqlCommand($"create schema if not exists {options.Schema}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            scheduler = await factory.GetScheduler(cancellationToken).ConfigureAwait(false);
        }
        _ready.TrySetResult(scheduler);
        if (Fires)
        {
            await scheduler.Start(cancellationToken).ConfigureAwait(false);
            _log.Information("Firing scheduled jobs as {Instance} of the cluster", options.NodeName);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Firing a job only sends a message, so waiting for running jobs is short.
        if (!_ready.Task.IsCompletedSuccessfully) return;
        await _ready.Task.Result.Shutdown(waitForJobsToComplete: true, CancellationToken.None).ConfigureAwait(false);
        if (Fires) await LeaveClusterAsync().ConfigureAwait(false);
    }

    // Quartz keeps a stopped instance's check-in row, and the next node to start reports it as failed. A node that
    // stopped cleanly has nothing left to recover: it takes its row away.
    private async Task LeaveClusterAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(options.Postgres);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var delete = new NpgsqlCommand($"delete from {options.Schema}.qrtz_scheduler_state where sched_name = 'esb' and instance_name = @node", connection);
            delete.Parameters.AddWithValue("node", options.NodeName);
            await delete.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            _log.Debug(e, "Could not remove this node's check-in from the scheduler's store; the next node will recover it");
        }
    }

    /// <summary>Keeps a call in the job store and sends it to its service once, at <paramref name="at"/>; returns the run's id.</summary>
    /// <exception cref="ServiceException">404 when there is no such service.</exception>
    public async Task<string> ScheduleOnceAsync(InvokeService call, DateTimeOffset at, CancellationToken cancellation)
    {
        if (!catalog.TryGet(call.Service, out _)) throw new ServiceException(404, $"cannot schedule {call.Service}: {catalog.NoSuchService(call.Service)}");
        var id = "once-" + Cid.New();
        var job = JobBuilder.Create<ServiceJob>().WithIdentity(id, OnceGroup)
            .UsingJobData(JobKeyName, id).UsingJobData(ServiceKey, call.Service).UsingJobData(InputKey, call.Input.IsEmpty ? "{}" : System.Text.Encoding.UTF8.GetString(call.Input.Span))
            .UsingJobData(ScheduledByKey, call.Cid).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(id, OnceGroup).StartAt(at)
            .WithSimpleSchedule(s => s.WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        var quartz = await QuartzAsync(cancellation).ConfigureAwait(false);
        await quartz.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellation).ConfigureAwait(false);
        _log.ForContext("Cid", call.Cid).Information("{Caller} scheduled {Service} once at {At:O} ({Id})", call.Caller ?? call.Channel, call.Service, at, id);
        return id;
    }

    /// <summary>Cancels a run scheduled with <see cref="ScheduleOnceAsync"/>; false when it ran already or never existed.</summary>
    public async Task<bool> CancelOnceAsync(string id, CancellationToken cancellation)
    {
        var quartz = await QuartzAsync(cancellation).ConfigureAwait(false);
        var deleted = await quartz.DeleteJob(new JobKey(id, OnceGroup), cancellation).ConfigureAwait(false);
        if (deleted) _log.Information("Cancelled the scheduled run {Id}", id);
        return deleted;
    }

    /// <summary>Runs a configured job now, once, on whichever node of the cluster takes it; false when the job is not in the store (yet).</summary>
    public async Task<bool> RunNowAsync(string job, CancellationToken cancellation)
    {
        var key = new JobKey(job, ConfiguredGroup);
        var quartz = await QuartzAsync(cancellation).ConfigureAwait(false);
        if (!await quartz.Exists(key, cancellation).ConfigureAwait(false)) return false;
        await quartz.TriggerJob(key, new JobDataMap { [ManualKey] = "true" }, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>Where a configured job stands in the store: its state, next and previous run.</summary>
    public async Task<(string State, DateTimeOffset? Next, DateTimeOffset? Previous)> StateOfAsync(string job, CancellationToken cancellation)
    {
        var key = new TriggerKey(job, ConfiguredGroup);
        var quartz = await QuartzAsync(cancellation).ConfigureAwait(false);
        var trigger = await quartz.GetTrigger(key, cancellation).ConfigureAwait(false);
        if (trigger is null)
            return (await quartz.Exists(new JobKey(job, ConfiguredGroup), cancellation).ConfigureAwait(false) ? "finished" : "unscheduled", null, null);
        var state = await quartz.GetTriggerState(key, cancellation).ConfigureAwait(false);
        return (state switch
        {
            TriggerState.Paused => "paused",
            TriggerState.Complete => "finished",
            TriggerState.Error => "error",
            _ => "scheduled",
        }, state == TriggerState.Paused ? null : trigger.NextFireTimeUtc, trigger.PreviousFireTimeUtc);
    }
}

/// <summary>A lock held by one node of the cluster at a time (a PostgreSQL advisory lock, released when disposed).</summary>
internal sealed class ClusterLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private ClusterLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Waits for the lock named <paramref name="name"/> within the node's schema.</summary>
    public static async Task<ClusterLock> AcquireAsync(NodeOptions options, string name, CancellationToken cancellation)
    {
        var key = BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(options.Schema + "/" + name)));
        var connection = new NpgsqlConnection(options.Postgres);
        try
        {
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("select pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
            return new ClusterLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("select pg_advisory_unlock(@key)", _connection);
            command.Parameters.AddWithValue("key", _key);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        finally
        {
            // Closing the session releases the lock in any case.
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
