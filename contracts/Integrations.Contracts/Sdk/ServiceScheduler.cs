using Integrations.Runtime;

namespace Integrations;

/// <summary>
/// Schedules runs of services from inside a service: <c>await ctx.Scheduler.RunOnceAsync("access.revoke", new { user }, TimeSpan.FromMinutes(20))</c>.
/// A run is kept in the cluster's job store: it happens once, on one node, even if this node is gone by then.
/// </summary>
public sealed class ServiceScheduler
{
    private readonly ServiceContext _context;
    private readonly IServiceRuntime _runtime;

    internal ServiceScheduler(ServiceContext context, IServiceRuntime runtime)
    {
        _context = context;
        _runtime = runtime;
    }

    /// <summary>Runs <paramref name="service"/> once, <paramref name="after"/> from now, with <paramref name="input"/>.</summary>
    /// <returns>The run's id, for <see cref="CancelAsync"/>.</returns>
    /// <exception cref="ServiceException">400 when <paramref name="after"/> is negative; 404 when there is no such service.</exception>
    public Task<string> RunOnceAsync(string service, object? input, TimeSpan after)
    {
        if (after < TimeSpan.Zero) throw new ServiceException(400, $"cannot schedule {service} {after} ago: the delay must not be negative");
        return RunOnceAsync(service, input, DateTimeOffset.UtcNow + after);
    }

    /// <summary>Runs <paramref name="service"/> once at <paramref name="at"/> (at once, if that has passed), with <paramref name="input"/>.</summary>
    /// <returns>The run's id, for <see cref="CancelAsync"/>.</returns>
    /// <exception cref="ServiceException">404 when there is no such service.</exception>
    public Task<string> RunOnceAsync(string service, object? input, DateTimeOffset at) =>
        _runtime.ScheduleOnceAsync(_context.CallTo(service, input, default), at, _context.Cancellation);

    /// <summary>Cancels a run scheduled with <see cref="RunOnceAsync(string, object?, TimeSpan)"/>; false when it ran already or never existed.</summary>
    public Task<bool> CancelAsync(string id) => _runtime.CancelScheduledAsync(id, _context.Cancellation);
}
