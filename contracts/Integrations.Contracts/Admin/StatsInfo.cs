namespace Integrations.Admin;

/// <summary>The cluster's rates over a window, per service and per channel, as <c>GET /admin/stats</c> answers.</summary>
/// <param name="Window">The window: <c>5m</c> or <c>1h</c>.</param>
/// <param name="StepSeconds">The width of each point of the series, in seconds.</param>
/// <param name="From">Where the window starts.</param>
/// <param name="To">Where it ends.</param>
/// <param name="Nodes">The nodes whose figures are in.</param>
/// <param name="Missing">Nodes heard from lately that did not answer in time: their figures are not in.</param>
/// <param name="Series">One per service and per channel that ran in the window: services first, then channels, by name.</param>
public sealed record StatsInfo(string Window, int StepSeconds, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> Nodes,
    IReadOnlyList<string> Missing, IReadOnlyList<StatsSeries> Series);

/// <summary>A service's runs or a channel's calls over the window, on every node together.</summary>
/// <param name="Kind"><c>service</c> or <c>channel</c>.</param>
/// <param name="Name">The service's or the channel's name.</param>
/// <param name="Type">A channel's type (<c>rest</c>, <c>amqp</c>, <c>mq</c>, <c>websocket</c>, <c>subscription</c>, <c>scheduler</c>, <c>admin</c>); null for a service.</param>
/// <param name="Calls">Runs or calls in the window.</param>
/// <param name="Errors">Of those, the ones that failed (status 500 or above).</param>
/// <param name="CallsPerSecond">Calls a second over the window.</param>
/// <param name="ErrorsPerSecond">Errors a second over the window.</param>
/// <param name="P50Ms">The median duration over the window, in milliseconds (within about 10 %).</param>
/// <param name="P95Ms">The 95th percentile.</param>
/// <param name="P99Ms">The 99th percentile.</param>
/// <param name="Points">The same, step by step, the oldest first; a step without calls has zeros and no durations.</param>
public sealed record StatsSeries(string Kind, string Name, string? Type, long Calls, long Errors, double CallsPerSecond, double ErrorsPerSecond,
    double? P50Ms, double? P95Ms, double? P99Ms, IReadOnlyList<StatsPoint> Points);

/// <summary>One step of a series.</summary>
/// <param name="At">Where the step starts.</param>
/// <param name="CallsPerSecond">Calls a second in the step.</param>
/// <param name="ErrorsPerSecond">Errors a second in the step.</param>
/// <param name="P50Ms">The median duration in the step, in milliseconds; null without calls.</param>
/// <param name="P95Ms">The 95th percentile.</param>
/// <param name="P99Ms">The 99th percentile.</param>
public sealed record StatsPoint(DateTimeOffset At, double CallsPerSecond, double ErrorsPerSecond, double? P50Ms, double? P95Ms, double? P99Ms);
