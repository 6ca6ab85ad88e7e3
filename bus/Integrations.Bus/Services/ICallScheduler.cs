namespace Integrations.Bus.Services;

/// <summary>Calls kept in the cluster's job store and sent to their service later (<c>ctx.ScheduleAsync</c>); the scheduler adapter implements it.</summary>
public interface ICallScheduler
{
    /// <summary>Keeps <paramref name="call"/> and sends it to its service at <paramref name="at"/>; returns the run's id.</summary>
    Task<string> ScheduleOnceAsync(InvokeService call, DateTimeOffset at, CancellationToken cancellation);

    /// <summary>Cancels a call kept with <see cref="ScheduleOnceAsync"/>; false when there is none (any more).</summary>
    Task<bool> CancelOnceAsync(string id, CancellationToken cancellation);
}
