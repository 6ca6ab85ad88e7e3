using Integrations.Admin;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// The recent hops of this node, newest over oldest in a ring of <see cref="Capacity"/>: what a trace of one cid
/// (<c>esb trace</c>) finds here. Keeping one is a small object stored into an array (its texts are the ones the call
/// already has); finding a cid reads the ring once, which only a trace query does.
/// </summary>
public sealed class Trail(string node, int capacity = Trail.DefaultCapacity)
{
    /// <summary>Hops kept by default: at a thousand calls a second, the last several seconds; on a quiet node, hours.</summary>
    public const int DefaultCapacity = 50_000;

    private readonly Entry?[] _ring = new Entry?[Math.Max(1, capacity)];
    private long _next = -1;

    // A hop as kept: a TraceHop is made of it only when asked for. Detail and DetailTail are joined with a space then
    // (a request's method and path), so keeping one makes no new string.
    private sealed record Entry(string Cid, string Step, string Type, string Name, string? Detail, string? DetailTail, DateTimeOffset Started,
        double Milliseconds, int Status, string? Error);

    /// <summary>How many hops the ring keeps.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Keeps a hop of <paramref name="cid"/>, over the oldest one once the ring is full.</summary>
    public void Keep(string cid, string step, string type, string name, string? detail, string? detailTail, DateTimeOffset started, double milliseconds,
        int status, string? error)
    {
        var slot = Interlocked.Increment(ref _next) % _ring.Length;
        Volatile.Write(ref _ring[slot], new Entry(cid, step, type, name, detail, detailTail, started, milliseconds, status, error));
    }

    /// <summary>The hops of <paramref name="cid"/> still kept, the earliest first.</summary>
    public List<TraceHop> Of(string cid)
    {
        var found = new List<TraceHop>();
        foreach (var entry in _ring)
            if (entry is not null && string.Equals(entry.Cid, cid, StringComparison.Ordinal))
                found.Add(new TraceHop(node, entry.Step, entry.Type, entry.Name, entry.DetailTail is null ? entry.Detail : $"{entry.Detail} {entry.DetailTail}",
                    entry.Started, Math.Round(entry.Milliseconds, 3), entry.Status, entry.Error));
        found.Sort((a, b) => a.Started.CompareTo(b.Started));
        return found;
    }
}
