using Integrations.Admin;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// The recent hops of this node, newest over oldest in a ring of <see cref="Capacity"/>: what a trace of one cid
/// (<c>esb trace</c>) finds here. Keeping one is a store into an array; finding a cid reads the ring once, which
/// only a trace query does.
/// </summary>
public sealed class Trail(int capacity = Trail.DefaultCapacity)
{
    /// <summary>Hops kept by default: at a thousand calls a second, the last few seconds; on a quiet node, hours.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly Entry?[] _ring = new Entry?[Math.Max(1, capacity)];
    private long _next = -1;

    private sealed record Entry(string Cid, TraceHop Hop);

    /// <summary>How many hops the ring keeps.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Keeps <paramref name="hop"/> of <paramref name="cid"/>, over the oldest one once the ring is full.</summary>
    public void Keep(string cid, TraceHop hop)
    {
        var slot = Interlocked.Increment(ref _next) % _ring.Length;
        Volatile.Write(ref _ring[slot], new Entry(cid, hop));
    }

    /// <summary>The hops of <paramref name="cid"/> still kept, the earliest first.</summary>
    public List<TraceHop> Of(string cid)
    {
        var found = new List<TraceHop>();
        foreach (var entry in _ring)
            if (entry is not null && string.Equals(entry.Cid, cid, StringComparison.Ordinal)) found.Add(entry.Hop);
        found.Sort((a, b) => a.Started.CompareTo(b.Started));
        return found;
    }
}
