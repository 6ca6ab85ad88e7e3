using System.Diagnostics;
using System.Globalization;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// One hop of a call — a channel taking it, the backbone carrying it, an outgoing call — as a span (when traces are
/// exported) and its measurements. Started where the hop starts, ended once with the status it came to.
/// </summary>
public readonly struct Hop
{
    private enum Kind { Channel, Backbone, Outgoing }

    private readonly Activity? _span;
    private readonly long _started;
    private readonly Kind _kind;
    private readonly string _type, _name;

    private Hop(Activity? span, Kind kind, string type, string name)
    {
        _span = span;
        _started = Stopwatch.GetTimestamp();
        _kind = kind;
        _type = type;
        _name = name;
    }

    /// <summary>
    /// A channel of <paramref name="type"/> (<c>rest</c>, <c>websocket</c>, <c>amqp</c>, <c>mq</c>, <c>subscription</c>,
    /// <c>scheduler</c>, <c>admin</c>) took a call or a message. It continues the trace it came with (a caller's
    /// <c>traceparent</c>), else the current one, else starts one.
    /// </summary>
    public static Hop Channel(string type, string channel, string cid, string? traceParent = null, string? traceState = null)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            var kind = type is "rest" or "websocket" or "admin" ? ActivityKind.Server : type is "scheduler" ? ActivityKind.Internal : ActivityKind.Consumer;
            span = Start($"{type} {channel}", kind, EsbTelemetry.Parse(traceParent, traceState));
            if (span is not null)
            {
                span.SetTag(EsbTelemetry.CidTag, cid);
                span.SetTag(EsbTelemetry.ChannelTag, channel);
                span.SetTag(EsbTelemetry.KindTag, type);
            }
        }
        return new Hop(span, Kind.Channel, type, channel);
    }

    /// <summary>An HTTP channel (REST, WebSocket, the admin API's invoke) took a request, which may continue a caller's trace.</summary>
    public static Hop Channel(string type, string channel, string cid, Microsoft.AspNetCore.Http.IHeaderDictionary headers) =>
        EsbTelemetry.Source.HasListeners()
            ? Channel(type, channel, cid, headers[EsbTelemetry.TraceParentHeader], headers[EsbTelemetry.TraceStateHeader])
            : new Hop(null, Kind.Channel, type, channel);

    /// <summary>
    /// A channel took a message from a queue or address: it continues the trace the message carries (its
    /// <c>traceparent</c> header or application property), never a span that happened to be current on the thread.
    /// </summary>
    public static Hop Message(string type, string channel, string cid, Consuming.IInbound message)
    {
        if (!EsbTelemetry.Source.HasListeners()) return new Hop(null, Kind.Channel, type, channel);
        Activity.Current = null;
        var properties = message.Properties;
        string? Find(string name) =>
            properties.TryGetValue("amqp.header." + name, out var header) ? header : properties.TryGetValue("mq.property." + name, out var property) ? property : null;
        return Channel(type, channel, cid, Find(EsbTelemetry.TraceParentHeader), Find(EsbTelemetry.TraceStateHeader));
    }

    /// <summary>The backbone carries a call to <paramref name="service"/>: waited for (<paramref name="waiting"/>) or left durably in its queue.</summary>
    public static Hop Backbone(string service, string cid, bool waiting)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = EsbTelemetry.Source.StartActivity((waiting ? "call " : "send ") + service, waiting ? ActivityKind.Client : ActivityKind.Producer);
            span?.SetTag(EsbTelemetry.CidTag, cid);
            span?.SetTag(EsbTelemetry.ServiceTag, service);
            span?.SetTag("messaging.system", "rabbitmq");
            span?.SetTag("messaging.destination.name", Services.ServiceNames.QueueOf(service));
        }
        return new Hop(span, Kind.Backbone, waiting ? "call" : "send", service);
    }

    /// <summary>A message is published to the pub/sub topic <paramref name="topic"/>.</summary>
    public static Hop Topic(string topic, string cid)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = EsbTelemetry.Source.StartActivity("publish " + topic, ActivityKind.Producer);
            span?.SetTag(EsbTelemetry.CidTag, cid);
            span?.SetTag("messaging.destination.name", topic);
        }
        return new Hop(span, Kind.Backbone, "publish", topic);
    }

    /// <summary>A service calls out through the outgoing connection <paramref name="connection"/> of <paramref name="type"/> (<c>rest</c>, <c>amqp</c>, <c>mq</c>).</summary>
    public static Hop Outgoing(string type, string connection, string cid)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = EsbTelemetry.Source.StartActivity($"{type} out {connection}", type == "rest" ? ActivityKind.Client : ActivityKind.Producer);
            span?.SetTag(EsbTelemetry.CidTag, cid);
            span?.SetTag(EsbTelemetry.ConnectionTag, connection);
            span?.SetTag(EsbTelemetry.KindTag, type);
        }
        return new Hop(span, Kind.Outgoing, type, connection);
    }

    /// <summary>Starts a span under <paramref name="parent"/> when a message or request carried one; else under the current span; else a new trace.</summary>
    internal static Activity? Start(string name, ActivityKind kind, ActivityContext? parent) =>
        parent is { } remote ? EsbTelemetry.Source.StartActivity(name, kind, remote) : EsbTelemetry.Source.StartActivity(name, kind);

    /// <summary>The span of a service's run on this node, under the trace its call came with.</summary>
    internal static Activity? Run(InvokeService call, string node)
    {
        if (!EsbTelemetry.Source.HasListeners()) return null;
        var span = Start("run " + call.Service, call.TraceParent is null ? ActivityKind.Internal : ActivityKind.Consumer, EsbTelemetry.Parse(call.TraceParent, call.TraceState));
        if (span is null) return null;
        span.SetTag(EsbTelemetry.CidTag, call.Cid);
        span.SetTag(EsbTelemetry.ServiceTag, call.Service);
        span.SetTag(EsbTelemetry.ChannelTag, call.Channel);
        span.SetTag(EsbTelemetry.NodeTag, node);
        return span;
    }

    /// <summary>The span, to tag or to make outgoing calls under; null when traces are not exported.</summary>
    public Activity? Span => _span;

    /// <summary>Ends the hop with <paramref name="status"/> (HTTP-like: 200, 404, 500…) and, on failure, why.</summary>
    public void End(int status, string? error = null)
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var statusText = StatusText(status);
        switch (_kind)
        {
            case Kind.Channel:
                var channel = new KeyValuePair<string, object?>("channel", _name);
                var type = new KeyValuePair<string, object?>("kind", _type);
                EsbTelemetry.ChannelCalls.Add(1, channel, type, new KeyValuePair<string, object?>("status", statusText));
                if (EsbTelemetry.IsError(status)) EsbTelemetry.ChannelErrors.Add(1, channel, type);
                EsbTelemetry.ChannelDuration.Record(seconds, channel, type);
                break;
            case Kind.Outgoing:
                EsbTelemetry.OutgoingDuration.Record(seconds, new KeyValuePair<string, object?>("connection", _name), new KeyValuePair<string, object?>("kind", _type),
                    new KeyValuePair<string, object?>("outcome", status < 400 ? "ok" : "failed"));
                break;
        }
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
