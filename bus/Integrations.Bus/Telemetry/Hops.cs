using System.Diagnostics;
using Integrations.Messages;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// Where the hops of this node start: each channel, backbone call, service run and outgoing call asks for its
/// <see cref="Hop"/> here, and its end is kept in the node's <see cref="Trail"/> (what <c>esb trace</c> finds) and
/// counted in its <see cref="Rates"/> (what <c>esb stats</c> adds up), beside the span and the metrics.
/// </summary>
public sealed class Hops(Node.NodeOptions options)
{
    /// <summary>The node's name, on every hop it keeps.</summary>
    public string Node { get; } = options.NodeName;

    /// <summary>The node's recent hops.</summary>
    public Trail Trail { get; } = new(options.NodeName, options.TraceHops);

    /// <summary>The node's rates per service and channel.</summary>
    public Rates Rates { get; } = new();

    /// <summary>
    /// A channel of <paramref name="type"/> (<c>rest</c>, <c>websocket</c>, <c>amqp</c>, <c>mq</c>, <c>subscription</c>,
    /// <c>scheduler</c>, <c>admin</c>) took a call or a message. Its span continues the trace it came with (a caller's
    /// <c>traceparent</c>), else the current one, else starts one.
    /// </summary>
    public Hop Channel(string type, string channel, string cid, string? detail = null, string? traceParent = null, string? traceState = null) =>
        Channel(type, channel, cid, detail, null, traceParent, traceState);

    private Hop Channel(string type, string channel, string cid, string? detail, string? detailTail, string? traceParent, string? traceState)
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
        return new Hop(this, span, Hop.Kind.Channel, "channel", type, channel, cid, detail, detailTail);
    }

    /// <summary>An HTTP channel (REST, WebSocket, the admin API's invoke) took a request, which may continue a caller's trace.</summary>
    public Hop Channel(string type, string channel, string cid, Microsoft.AspNetCore.Http.HttpRequest request) =>
        Channel(type, channel, cid, request.Method, request.Path.Value,
            EsbTelemetry.Source.HasListeners() ? request.Headers[EsbTelemetry.TraceParentHeader].ToString() : null,
            EsbTelemetry.Source.HasListeners() ? request.Headers[EsbTelemetry.TraceStateHeader].ToString() : null);

    /// <summary>
    /// A channel took a message from a queue or address: its span continues the trace the message carries (its
    /// <c>traceparent</c> header or application property), never a span that happened to be current on the thread.
    /// </summary>
    public Hop Message(string type, string channel, string cid, Consuming.IInbound message)
    {
        var properties = message.Properties;
        var detail = properties.TryGetValue("amqp.routing_key", out var key) && key.Length > 0 ? "routing key " + key : null;
        if (properties.TryGetValue(ServiceContext.RedeliveredProperty, out var again) && again == "true")
            detail = detail is null ? "delivered again" : detail + ", delivered again";
        if (!EsbTelemetry.Source.HasListeners()) return new Hop(this, null, Hop.Kind.Channel, "channel", type, channel, cid, detail);
        Activity.Current = null;
        string? Find(string name) =>
            properties.TryGetValue("amqp.header." + name, out var header) ? header : properties.TryGetValue("mq.property." + name, out var property) ? property : null;
        return Channel(type, channel, cid, detail, Find(EsbTelemetry.TraceParentHeader), Find(EsbTelemetry.TraceStateHeader));
    }

    /// <summary>The backbone carries a call to <paramref name="service"/>: waited for (<paramref name="waiting"/>) or left durably in its queue.</summary>
    public Hop Backbone(string service, string cid, bool waiting)
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
        return new Hop(this, span, Hop.Kind.Backbone, waiting ? "call" : "send", "backbone", service, cid, null);
    }

    /// <summary>A message is published to the pub/sub topic <paramref name="topic"/>.</summary>
    public Hop Topic(string topic, string cid)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = EsbTelemetry.Source.StartActivity("publish " + topic, ActivityKind.Producer);
            span?.SetTag(EsbTelemetry.CidTag, cid);
            span?.SetTag("messaging.destination.name", topic);
        }
        return new Hop(this, span, Hop.Kind.Backbone, "publish", "pubsub", topic, cid, null);
    }

    /// <summary>
    /// A service calls out through the outgoing connection <paramref name="connection"/> of <paramref name="type"/>
    /// (<c>rest</c>, <c>amqp</c>, <c>mq</c>); <paramref name="detail"/> says what it asked (a request's method and path).
    /// </summary>
    public Hop Outgoing(string type, string connection, string cid, string? detail = null)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = EsbTelemetry.Source.StartActivity($"{type} out {connection}", type == "rest" ? ActivityKind.Client : ActivityKind.Producer);
            span?.SetTag(EsbTelemetry.CidTag, cid);
            span?.SetTag(EsbTelemetry.ConnectionTag, connection);
            span?.SetTag(EsbTelemetry.KindTag, type);
        }
        return new Hop(this, span, Hop.Kind.Outgoing, "outgoing", type, connection, cid, detail);
    }

    /// <summary>A service's run on this node, under the trace its call came with; <paramref name="version"/> says which of its deployments ran.</summary>
    public Hop Run(InvokeService call, string version)
    {
        Activity? span = null;
        if (EsbTelemetry.Source.HasListeners())
        {
            span = Start("run " + call.Service, call.TraceParent is null ? ActivityKind.Internal : ActivityKind.Consumer, EsbTelemetry.Parse(call.TraceParent, call.TraceState));
            span?.SetTag(EsbTelemetry.CidTag, call.Cid);
            span?.SetTag(EsbTelemetry.ServiceTag, call.Service);
            span?.SetTag(EsbTelemetry.ChannelTag, call.Channel);
            span?.SetTag(EsbTelemetry.NodeTag, Node);
        }
        return new Hop(this, span, Hop.Kind.Run, "run", "service", call.Service, cid: call.Cid, version);
    }

    /// <summary>Keeps a hop that took no time of its own: a message given up and kept (<c>failed</c>), a failed message sent back (<c>retry</c>).</summary>
    public void Note(string step, string type, string name, string cid, int status, string? error, string? detail, DateTimeOffset? at = null) =>
        Trail.Keep(cid, step, type, name, detail, null, at ?? DateTimeOffset.UtcNow, 0, status, status >= 400 ? error : null);

    /// <summary>Starts a span under <paramref name="parent"/> when a message or request carried one; else under the current span; else a new trace.</summary>
    internal static Activity? Start(string name, ActivityKind kind, ActivityContext? parent) =>
        parent is { } remote ? EsbTelemetry.Source.StartActivity(name, kind, remote) : EsbTelemetry.Source.StartActivity(name, kind);
}
