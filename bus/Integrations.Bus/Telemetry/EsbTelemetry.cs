using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// The platform's traces and metrics, both named <see cref="Name"/>: a span for each hop of a call and the figures
/// operators chart. Nothing is recorded unless something listens (an OpenTelemetry exporter, <c>/metrics</c>).
/// </summary>
public static class EsbTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Integrations";

    /// <summary>The W3C trace context headers, on HTTP and on AMQP messages alike.</summary>
    public const string TraceParentHeader = "traceparent", TraceStateHeader = "tracestate";

    private static readonly string? Version = typeof(EsbTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];

    /// <summary>Where the spans come from.</summary>
    public static readonly ActivitySource Source = new(Name, Version);

    /// <summary>Where the measurements come from.</summary>
    public static readonly Meter Meter = new(Name, Version);

    // From half a millisecond (a call through the broker on one machine) to half a minute (a slow partner).
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    internal static readonly Counter<long> ServiceCalls = Meter.CreateCounter<long>("esb.service.calls", "{call}", "Service runs, by service and status");
    internal static readonly Counter<long> ServiceErrors = Meter.CreateCounter<long>("esb.service.errors", "{call}", "Service runs that failed (status 500 or above)");
    internal static readonly Histogram<double> ServiceDuration = Meter.CreateHistogram<double>("esb.service.duration", "s", "How long a service ran", advice: Seconds);
    internal static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("esb.messages.in_flight", "{call}", "Service runs in progress on this node");
    internal static readonly Counter<long> ChannelCalls = Meter.CreateCounter<long>("esb.channel.calls", "{call}", "Calls and messages a channel took, by channel, kind and status");
    internal static readonly Counter<long> ChannelErrors = Meter.CreateCounter<long>("esb.channel.errors", "{call}", "Calls and messages a channel answered or gave up with status 500 or above");
    internal static readonly Histogram<double> ChannelDuration = Meter.CreateHistogram<double>("esb.channel.duration", "s", "From a channel taking a call to its answer", advice: Seconds);
    internal static readonly Histogram<double> OutgoingDuration = Meter.CreateHistogram<double>("esb.outgoing.duration", "s", "Calls through outgoing connections, by connection, kind and outcome", advice: Seconds);
    internal static readonly Histogram<double> SchedulerLag = Meter.CreateHistogram<double>("esb.scheduler.lag", "s", "How late a job fired after its scheduled time", advice: Seconds);

    /// <summary>The last depth the broker gave of each queue consumed here, by what consumes it (<c>service</c>, <c>channel</c>, <c>subscription</c>) and its name.</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Kind, string Name), long> Depths = new();

    internal static readonly ObservableGauge<long> QueueDepth = Meter.CreateObservableGauge("esb.queue.depth",
        () => Depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("kind", d.Key.Kind), new KeyValuePair<string, object?>("name", d.Key.Name))),
        "{message}", "Messages waiting in the queue of a service, a channel or a subscription, as the broker last said");

    /// <summary>Span attribute names.</summary>
    public const string CidTag = "esb.cid", ServiceTag = "esb.service", ChannelTag = "esb.channel", KindTag = "esb.kind",
        ConnectionTag = "esb.connection", NodeTag = "esb.node", StatusTag = "esb.status", JobTag = "esb.job";

    /// <summary>A status above which a call counts as an error: the platform or the service failed, not the caller.</summary>
    internal static bool IsError(int status) => status >= 500;

    /// <summary>The trace context a message or request carried, if it carried a valid one.</summary>
    public static ActivityContext? Parse(string? traceParent, string? traceState) =>
        traceParent is { Length: > 0 } && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : null;

    /// <summary>The trace context to send on with a message or request: the current span's, when there is one.</summary>
    public static (string? TraceParent, string? TraceState) Outgoing() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } span ? (span.Id, span.TraceStateString) : (null, null);

    /// <summary>Adds the current span's trace context to a message's headers (<c>traceparent</c>, <c>tracestate</c>), so its receiver continues the trace.</summary>
    public static void AddTo(IDictionary<string, object?> headers)
    {
        var (parent, state) = Outgoing();
        if (parent is not null) headers[TraceParentHeader] = parent;
        if (state is not null) headers[TraceStateHeader] = state;
    }

    /// <summary>Records how late a job fired.</summary>
    public static void JobFired(string job, TimeSpan lag) =>
        SchedulerLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("job", job));
}
