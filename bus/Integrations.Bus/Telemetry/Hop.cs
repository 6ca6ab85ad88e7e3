using System.Diagnostics;
using System.Globalization;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// One hop of a call — a channel taking it, the backbone carrying it, a service running it, an outgoing call — as a
/// span (when traces are exported), its measurements, and an entry in its node's <see cref="Trail"/>. Made by the
/// node's <see cref="Hops"/> where the hop starts, ended once with the status it came to.
/// </summary>
public readonly struct Hop
{
    internal enum Kind { Channel, Backbone, Outgoing, Run }

    private readonly Hops _hops;
    private readonly Activity? _span;
    private readonly long _started;
    private readonly DateTimeOffset _at;
    private readonly Kind _kind;
    private readonly string _step, _type, _name, _cid;
    private readonly string? _detail, _detailTail;

    internal Hop(Hops hops, Activity? span, Kind kind, string step, string type, string name, string cid, string? detail, string? detailTail = null)
    {
        _hops = hops;
        _span = span;
        _started = Stopwatch.GetTimestamp();
        _at = DateTimeOffset.UtcNow;
        _kind = kind;
        _step = step;
        _type = type;
        _name = name;
        _cid = cid;
        _detail = detail;
        _detailTail = detailTail;
    }

    /// <summary>The span, to tag or to make outgoing calls under; null when traces are not exported.</summary>
    public Activity? Span => _span;

    /// <summary>Ends the hop with <paramref name="status"/> (HTTP-like: 200, 404, 500…) and, on failure, why.</summary>
    public void End(int status, string? error = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var seconds = elapsed.TotalSeconds;
        switch (_kind)
        {
            case Kind.Channel:
                var channel = new KeyValuePair<string, object?>("channel", _name);
                var type = new KeyValuePair<string, object?>("kind", _type);
                EsbTelemetry.ChannelCalls.Add(1, channel, type, new KeyValuePair<string, object?>("status", StatusText(status)));
                if (EsbTelemetry.IsError(status)) EsbTelemetry.ChannelErrors.Add(1, channel, type);
                EsbTelemetry.ChannelDuration.Record(seconds, channel, type);
                _hops?.Rates.Record("channel", _type, _name, elapsed.TotalMilliseconds, status);
                break;
            case Kind.Outgoing:
                EsbTelemetry.OutgoingDuration.Record(seconds, new KeyValuePair<string, object?>("connection", _name), new KeyValuePair<string, object?>("kind", _type),
                    new KeyValuePair<string, object?>("outcome", status < 400 ? "ok" : "failed"));
                break;
            case Kind.Run:
                _hops?.Rates.Record("service", null, _name, elapsed.TotalMilliseconds, status);
                break;
        }
        _hops?.Trail.Keep(_cid, _step, _type, _name, _detail, _detailTail, _at, elapsed.TotalMilliseconds, status, status >= 400 ? error : null);
        if (_span is { } span)
        {
            span.SetTag(EsbTelemetry.StatusTag, status);
            if (status >= 400) span.SetStatus(ActivityStatusCode.Error, error);
            span.Dispose();
        }
    }

    private static readonly string[] Statuses = [.. Enumerable.Range(0, 600).Select(n => n.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A status as a label, without a string made per call.</summary>
    internal static string StatusText(int status) => (uint)status < Statuses.Length ? Statuses[status] : status.ToString(CultureInfo.InvariantCulture);
}
