using System.Collections.Concurrent;
using Integrations.Admin;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// Calls, errors and durations of every service and channel on this node for the last hour, in steps of
/// <see cref="StepSeconds"/>: what <c>esb stats</c> and the dashboard's charts add up over the cluster's nodes.
/// Durations are counted in bins a quarter of a doubling wide, so percentiles come out within about 10 %, and two
/// nodes' figures add up bin by bin.
/// </summary>
public sealed class Rates(TimeProvider? clock = null)
{
    /// <summary>The width of one step.</summary>
    public const int StepSeconds = 10;

    /// <summary>Steps kept: one hour.</summary>
    public const int Steps = 360;

    // Bin b holds durations from 2^(b/4) to 2^((b+1)/4) microseconds: one microsecond to over an hour.
    private const int BinsPerDoubling = 4, Bins = 128;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Kind, string? Type, string Name), Series> _series = new();

    /// <summary>Counts one run of a service (<paramref name="kind"/> <c>service</c>) or one call of a channel (<c>channel</c>, of <paramref name="type"/>).</summary>
    public void Record(string kind, string? type, string name, double milliseconds, int status)
    {
        var series = _series.GetOrAdd((kind, type, name), _ => new Series());
        series.Add(StepOf(_clock.GetUtcNow()), Bin(milliseconds), EsbTelemetry.IsError(status));
    }

    /// <summary>The step a moment falls in: seconds since 1970 over <see cref="StepSeconds"/>.</summary>
    public static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>What this node counted from step <paramref name="from"/> to <paramref name="to"/> (both included), in points <paramref name="width"/> steps wide.</summary>
    public List<RatesSeries> Between(long from, long to, int width)
    {
        var found = new List<RatesSeries>();
        foreach (var ((kind, type, name), series) in _series)
        {
            var points = series.Read(from, to, width);
            if (points.Count > 0) found.Add(new RatesSeries(kind, type, name, points));
        }
        return found;
    }

    /// <summary>
    /// The cluster's figures from each node's: added up per series and point, then made into rates and percentiles
    /// for points <paramref name="width"/> steps wide starting at step <paramref name="from"/>.
    /// </summary>
    public static List<StatsSeries> Sum(IEnumerable<RatesSeries> fromNodes, long from, long to, int width)
    {
        var pointCount = (int)((to - from) / width + 1);
        var seconds = (double)width * StepSeconds;
        var summed = new List<StatsSeries>();
        foreach (var group in fromNodes.GroupBy(s => (s.Kind, s.Type, s.Name)))
        {
            var calls = new long[pointCount];
            var errors = new long[pointCount];
            var bins = new long[pointCount][];
            var total = new long[Bins];
            foreach (var point in group.SelectMany(s => s.Points))
            {
                var i = (int)((point.Step - from) / width);
                if (i < 0 || i >= pointCount) continue;
                calls[i] += point.Calls;
                errors[i] += point.Errors;
                bins[i] ??= new long[Bins];
                for (var k = 0; k + 1 < point.Bins.Length; k += 2)
                {
                    var bin = Math.Clamp(point.Bins[k], 0, Bins - 1);
                    bins[i][bin] += point.Bins[k + 1];
                    total[bin] += point.Bins[k + 1];
                }
            }
            var points = new List<StatsPoint>(pointCount);
            for (var i = 0; i < pointCount; i++)
                points.Add(new StatsPoint(DateTimeOffset.FromUnixTimeSeconds((from + (long)i * width) * StepSeconds), Round(calls[i] / seconds), Round(errors[i] / seconds),
                    Percentile(bins[i], 0.50), Percentile(bins[i], 0.95), Percentile(bins[i], 0.99)));
            var (kind, type, name) = group.Key;
            long allCalls = calls.Sum(), allErrors = errors.Sum();
            var window = seconds * pointCount;
            summed.Add(new StatsSeries(kind, name, type, allCalls, allErrors, Round(allCalls / window), Round(allErrors / window),
                Percentile(total, 0.50), Percentile(total, 0.95), Percentile(total, 0.99), points));
        }
        return [.. summed.OrderBy(s => s.Kind == "service" ? 0 : 1).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Type, StringComparer.Ordinal)];
    }

    /// <summary>The bin of a duration.</summary>
    public static int Bin(double milliseconds)
    {
        var micros = milliseconds * 1000;
        return micros <= 1 ? 0 : Math.Min(Bins - 1, (int)(Math.Log2(micros) * BinsPerDoubling));
    }

    /// <summary>A duration that stands for its bin: the middle of it, in milliseconds.</summary>
    public static double Middle(int bin) => Math.Round(Math.Pow(2, (bin + 0.5) / BinsPerDoubling) / 1000, 3);

    /// <summary>The duration under which <paramref name="share"/> of the counted durations fall; null when none were counted.</summary>
    public static double? Percentile(long[]? bins, double share)
    {
        if (bins is null) return null;
        var count = bins.Sum();
        if (count == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(share * count));
        long seen = 0;
        for (var b = 0; b < bins.Length; b++)
            if ((seen += bins[b]) >= rank) return Middle(b);
        return Middle(bins.Length - 1);
    }

    private static double Round(double value) => Math.Round(value, 3);

    // One series: a ring of steps, each reset when the ring comes round to it again.
    private sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly long[] _step = new long[Steps];
        private readonly long[] _calls = new long[Steps];
        private readonly long[] _errors = new long[Steps];
        private readonly int[]?[] _bins = new int[]?[Steps];

        public void Add(long step, int bin, bool error)
        {
            var i = (int)(step % Steps);
            lock (_gate)
            {
                if (_step[i] != step)
                {
                    _step[i] = step;
                    _calls[i] = _errors[i] = 0;
                    if (_bins[i] is { } old) Array.Clear(old);
                }
                _calls[i]++;
                if (error) _errors[i]++;
                (_bins[i] ??= new int[Bins])[bin]++;
            }
        }

        public List<RatesPoint> Read(long from, long to, int width)
        {
            var points = new List<RatesPoint>();
            lock (_gate)
            {
                for (var start = from; start <= to; start += width)
                {
                    long calls = 0, errors = 0;
                    var bins = new Dictionary<int, long>();
                    for (var step = start; step < start + width && step <= to; step++)
                    {
                        var i = (int)(step % Steps);
                        if (_step[i] != step || _calls[i] == 0) continue;
                        calls += _calls[i];
                        errors += _errors[i];
                        var counted = _bins[i]!;
                        for (var b = 0; b < counted.Length; b++)
                            if (counted[b] > 0) bins[b] = bins.GetValueOrDefault(b) + counted[b];
                    }
                    if (calls == 0) continue;
                    points.Add(new RatesPoint(start, calls, errors, [.. bins.OrderBy(b => b.Key).SelectMany(b => new[] { (long)b.Key, b.Value })]));
                }
            }
            return points;
        }
    }
}

/// <summary>What one node counted of one service or channel, as it answers a stats question.</summary>
public sealed record RatesSeries(string Kind, string? Type, string Name, List<RatesPoint> Points);

/// <summary>One point: its first step, its calls and errors, and its duration bins as pairs of bin and count.</summary>
public sealed record RatesPoint(long Step, long Calls, long Errors, long[] Bins);
