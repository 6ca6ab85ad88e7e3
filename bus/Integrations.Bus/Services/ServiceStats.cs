namespace Integrations.Bus.Services;

/// <summary>Invocations and time per service on this node (not the cluster's: each node counts its own).</summary>
public sealed class ServiceStats
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox> _services = new(StringComparer.Ordinal);

    private sealed class StrongBox
    {
        public long Count;
        public long Ticks;
    }

    private long _calls, _errors;

    /// <summary>Runs of every service, and the failed ones among them.</summary>
    public (long Calls, long Errors) Totals => (Interlocked.Read(ref _calls), Interlocked.Read(ref _errors));

    /// <summary>Counts one run of <paramref name="service"/>, here and in the metrics (<c>esb.service.*</c>).</summary>
    public void Record(string service, TimeSpan elapsed, int status)
    {
        Interlocked.Increment(ref _calls);
        if (Telemetry.EsbTelemetry.IsError(status)) Interlocked.Increment(ref _errors);
        var box = _services.GetOrAdd(service, _ => new StrongBox());
        Interlocked.Increment(ref box.Count);
        Interlocked.Add(ref box.Ticks, elapsed.Ticks);
        var name = new KeyValuePair<string, object?>("service", service);
        Telemetry.EsbTelemetry.ServiceCalls.Add(1, name, new KeyValuePair<string, object?>("status", Telemetry.Hop.StatusText(status)));
        if (Telemetry.EsbTelemetry.IsError(status)) Telemetry.EsbTelemetry.ServiceErrors.Add(1, name);
        Telemetry.EsbTelemetry.ServiceDuration.Record(elapsed.TotalSeconds, name);
    }

    /// <summary>How many runs, and their mean time in milliseconds.</summary>
    public (long Count, double MeanMs) Of(string service) =>
        _services.TryGetValue(service, out var box) && Interlocked.Read(ref box.Count) is var count and > 0
            ? (count, TimeSpan.FromTicks(Interlocked.Read(ref box.Ticks)).TotalMilliseconds / count)
            : (0, 0);
}
