namespace Integrations.Messages;

/// <summary>What a node says of itself every few seconds to every node of its cluster (and once more when it stops).</summary>
public sealed record NodeHeartbeat
{
    /// <summary>The node's name.</summary>
    public string Node { get; init; } = "";
    /// <summary>Its cluster: the configuration schema it shares with the other nodes.</summary>
    public string Schema { get; init; } = "";
    /// <summary>Its roles (<c>all</c>, or some of <c>edge, worker, scheduler, dashboard</c>).</summary>
    public string Roles { get; init; } = "";
    /// <summary>Its version.</summary>
    public string Version { get; init; } = "";
    /// <summary>When it started.</summary>
    public DateTimeOffset Started { get; init; }
    /// <summary>When it sent this.</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>The services it runs.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];
    /// <summary>Service runs on it since it started.</summary>
    public long Calls { get; init; }
    /// <summary>Of those, the failed ones.</summary>
    public long Errors { get; init; }
    /// <summary>How often it sends one: a node silent for three of these is taken as gone.</summary>
    public double IntervalSeconds { get; init; }
    /// <summary>It is stopping: the last one it sends.</summary>
    public bool Stopping { get; init; }
}
