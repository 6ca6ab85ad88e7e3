using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Integrations.Bus.Backbone;

/// <summary>
/// How calls and answers look on RabbitMQ: the body is the input (or the output) as UTF-8 JSON, passed through as
/// it is; everything else travels in headers. One serialization, no envelope to parse.
/// </summary>
public static class Wire
{
    /// <summary>RabbitMQ's direct reply-to pseudo-queue.</summary>
    public const string DirectReplyTo = "amq.rabbitmq.reply-to";

    /// <summary>The header every message of the platform carries its cid in, across every transport.</summary>
    public const string Cid = "esb-cid";
    /// <summary>A result's status (200, 404, 500…).</summary>
    public const string Status = "esb-status";
    /// <summary>Why a call failed, or why a message was given up on.</summary>
    public const string Error = "esb-error";
    /// <summary>How many times a dead-lettered message was tried.</summary>
    public const string Attempts = "esb-attempts";
    /// <summary>When a message was given up on (ISO 8601).</summary>
    public const string FailedAt = "esb-failed-at";
    /// <summary>What gave a message up: the channel's or the subscription's name.</summary>
    public const string Source = "esb-source";
    /// <summary>An AMQP message's routing key, kept on its dead-letter copy so it can be sent again where it came from.</summary>
    public const string RoutingKey = "esb-routing-key";
    /// <summary>The failed-message record a message given up on belongs to: set when it is first given up, kept when it is sent again.</summary>
    public const string FailedId = "esb-failed-id";
    /// <summary>The node that gave a message up.</summary>
    public const string Node = "esb-node";
    /// <summary>The type of the exception a failed service threw (for operators, never for callers).</summary>
    public const string Exception = "esb-exception";
    /// <summary>Where that exception was thrown: its first stack frame.</summary>
    public const string Frame = "esb-frame";
    /// <summary>The topic a pub/sub message was published to.</summary>
    public const string Topic = "esb-topic";
    /// <summary>
    /// On a message moved into the backbone from a channel's broker: the properties services see, as the source broker
    /// gave them (JSON), so the worker that runs it sees what the channel received.
    /// </summary>
    public const string HeldProperties = "esb-held-properties";
    /// <summary>On a message moved into the backbone: whether its source broker had given it before.</summary>
    public const string HeldRedelivered = "esb-held-redelivered";

    private const string Service = "esb-service", Channel = "esb-channel", Caller = "esb-caller",
        Deadline = "esb-deadline", Headers = "esb-headers",
        ReportTo = "esb-report-to", Properties = "esb-properties", Started = "esb-started", DurationUs = "esb-duration-us",
        Defaults = "esb-defaults", Overrides = "esb-overrides";

    /// <summary>
    /// A message body as a service's input: a JSON object as it is; anything else (a list, a number, text that is not
    /// JSON) as <c>{"body": …}</c>; nothing as <c>{}</c>.
    /// </summary>
    /// <remarks>A body that looks like an object (its first character is <c>{</c>) is passed on as it is, unparsed: the
    /// worker binding it says what is wrong with it, if anything.</remarks>
    public static ReadOnlyMemory<byte> AsInput(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        var start = 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start == span.Length) return default;
        if (span[start] == (byte)'{') return body;
        var text = Encoding.UTF8.GetString(span);
        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            node = text;
        }
        return JsonSerializer.SerializeToUtf8Bytes(new System.Text.Json.Nodes.JsonObject { ["body"] = node });
    }

    /// <summary>The headers of a message given up on: what it carried, and why, when and by what it was given up.</summary>
    public static Dictionary<string, object?> DeadLetterHeaders(IEnumerable<KeyValuePair<string, object?>>? original, Consuming.DeadLetter letter)
    {
        var headers = original is null ? new Dictionary<string, object?>(StringComparer.Ordinal) : new Dictionary<string, object?>(original, StringComparer.Ordinal);
        headers[Cid] = letter.Cid;
        headers[Status] = letter.Status;
        headers[Error] = letter.Error;
        headers[Source] = letter.Source;
        headers[Attempts] = letter.Attempts;
        headers[FailedAt] = letter.FailedAt.ToString("O", CultureInfo.InvariantCulture);
        // The first time it is given up it gets a record of its own; sent again from there, it keeps that record's id.
        if (Text(headers, FailedId) is null) headers[FailedId] = Guid.NewGuid().ToString("N");
        SetOrRemove(headers, Node, letter.Node);
        SetOrRemove(headers, Exception, letter.Exception);
        SetOrRemove(headers, Frame, letter.Frame);
        return headers;
    }

    private static void SetOrRemove(Dictionary<string, object?> headers, string name, string? value)
    {
        if (value is null) headers.Remove(name);
        else headers[name] = value;
    }

    /// <summary>The headers <see cref="DeadLetterHeaders"/> adds: what a message sent again from its record leaves behind.</summary>
    public static readonly IReadOnlySet<string> FailureHeaders = new HashSet<string>(StringComparer.Ordinal)
        { Status, Error, Source, Attempts, FailedAt, RoutingKey, Node, Exception, Frame, Deadline };

    /// <summary>
    /// The copy of a message given up on, for its dead-letter queue: what it carried (but the headers of its stay in
    /// the backbone), the routing key it came with, and why, when and by what it was given up.
    /// </summary>
    public static BasicProperties DeadLetterCopy(IReadOnlyBasicProperties original, string routingKey, Consuming.DeadLetter letter)
    {
        var headers = DeadLetterHeaders(original.Headers?.Where(h => h.Key is not (HeldProperties or HeldRedelivered)), letter);
        headers[RoutingKey] = routingKey;
        return new BasicProperties
        {
            ContentType = original.ContentType,
            MessageId = original.MessageId,
            CorrelationId = original.CorrelationId,
            ReplyTo = original.ReplyTo,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
    }

    /// <summary>
    /// How a message a channel received from another broker is held by the backbone until a worker ran it: its own
    /// properties (<paramref name="original"/>, when it came over AMQP 0-9-1), persistent, with its cid and what
    /// services see of it (<paramref name="message"/>'s properties) in headers.
    /// </summary>
    public static BasicProperties Held(IReadOnlyBasicProperties? original, Consuming.IInbound message, string cid)
    {
        var properties = original is null ? new BasicProperties { MessageId = message.MessageId, ReplyTo = message.ReplyTo } : new BasicProperties(original);
        var headers = original?.Headers is { } h ? new Dictionary<string, object?>(h, StringComparer.Ordinal) : new Dictionary<string, object?>(3, StringComparer.Ordinal);
        headers[Cid] = cid;
        headers[HeldProperties] = JsonSerializer.Serialize(message.Properties);
        headers[HeldRedelivered] = message.Redelivered;
        properties.Headers = headers;
        properties.DeliveryMode = DeliveryModes.Persistent;
        return properties;
    }

    /// <summary>A header's text, whatever the client made of it (RabbitMQ.Client gives strings as bytes).</summary>
    public static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            null => null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        } : null;

    public static BasicProperties CallProperties(InvokeService call, bool waiting, string? correlationId)
    {
        var headers = new Dictionary<string, object?>(5)
        {
            [Service] = call.Service,
            [Cid] = call.Cid,
            [Channel] = call.Channel,
        };
        if (call.Caller is not null) headers[Caller] = call.Caller;
        if (call.Deadline != default) headers[Deadline] = call.Deadline.ToUnixTimeMilliseconds();
        if (call.ReportTo is not null) headers[ReportTo] = call.ReportTo;
        if (call.Properties is { Count: > 0 } p) headers[Properties] = JsonSerializer.Serialize(p);
        if (call.Defaults is not null) headers[Defaults] = call.Defaults;
        if (call.Overrides is not null) headers[Overrides] = call.Overrides;
        // The span the call is sent under (or the trace it came with): the worker's run continues it.
        var (traceParent, traceState) = Telemetry.EsbTelemetry.Outgoing();
        if ((traceParent ?? call.TraceParent) is { } parent) headers[Telemetry.EsbTelemetry.TraceParentHeader] = parent;
        if ((traceParent is null ? call.TraceState : traceState) is { } state) headers[Telemetry.EsbTelemetry.TraceStateHeader] = state;
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = headers,
            // A caller who waits retries on failure: nothing to keep across a broker restart. A call nobody waits
            // for must survive one.
            DeliveryMode = waiting ? DeliveryModes.Transient : DeliveryModes.Persistent,
        };
        // A call nobody waits for has an id of its own, the same on every delivery: its service can be idempotent.
        if (!waiting) properties.MessageId = Guid.NewGuid().ToString("N");
        if (waiting)
        {
            properties.ReplyTo = DirectReplyTo;
            properties.CorrelationId = correlationId;
            var ttl = Math.Max(1, (long)(call.Deadline - DateTimeOffset.UtcNow).TotalMilliseconds);
            properties.Expiration = ttl.ToString(CultureInfo.InvariantCulture);
        }
        return properties;
    }

    public static InvokeService ReadCall(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = properties.Headers;
        return new InvokeService
        {
            Service = Text(headers, Service) ?? "",
            Cid = Text(headers, Cid) ?? "",
            Channel = Text(headers, Channel) ?? "",
            Caller = Text(headers, Caller),
            Deadline = headers is not null && headers.TryGetValue(Deadline, out var d) && d is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : default,
            Input = body,
            Defaults = Text(headers, Defaults),
            Overrides = Text(headers, Overrides),
            ReportTo = Text(headers, ReportTo),
            Properties = Text(headers, Properties) is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null,
            TraceParent = Text(headers, Telemetry.EsbTelemetry.TraceParentHeader),
            TraceState = Text(headers, Telemetry.EsbTelemetry.TraceStateHeader),
        };
    }

    /// <summary>The outcome of a call nobody waited for, for the queue it named (<see cref="InvokeService.ReportTo"/>).</summary>
    public static (BasicProperties Properties, byte[] Body) Report(InvokeService call, ServiceResult result, DateTimeOffset started, TimeSpan duration)
    {
        var (properties, body) = Answer(result, null);
        properties.DeliveryMode = DeliveryModes.Persistent;
        properties.ContentType = "application/json";
        var headers = properties.Headers!;
        headers[Service] = call.Service;
        if (call.Caller is not null) headers[Caller] = call.Caller;
        headers[Started] = started.ToUnixTimeMilliseconds();
        headers[DurationUs] = (long)(duration.Ticks / 10);
        return (properties, body);
    }

    /// <summary>Reads a report made by <see cref="Report"/>: the result, when the service started, and how long it ran.</summary>
    public static (ServiceResult Result, DateTimeOffset? Started, TimeSpan? Duration) ReadReport(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = properties.Headers;
        var started = headers is not null && headers.TryGetValue(Started, out var s) && s is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        var duration = headers is not null && headers.TryGetValue(DurationUs, out var d) && d is long us ? TimeSpan.FromTicks(us * 10) : (TimeSpan?)null;
        return (ReadAnswer(properties, body), started, duration);
    }

    /// <summary>A service's answer to a reply-to: transient for the backbone's callers, who wait; persistent for a partner's reply queue.</summary>
    public static (BasicProperties Properties, byte[] Body) Answer(ServiceResult result, string? correlationId, bool persistent = false)
    {
        var headers = new Dictionary<string, object?>(3) { [Status] = result.Status, [Cid] = result.Cid };
        if (result.Headers is { Count: > 0 } h) headers[Headers] = JsonSerializer.Serialize(h);
        if (result.Error is not null) headers[Error] = result.Error;
        // What a service threw is for the platform's own callers (another node), never for a partner's reply queue.
        if (!persistent && result.Exception is not null) headers[Exception] = result.Exception;
        if (!persistent && result.Frame is not null) headers[Frame] = result.Frame;
        var properties = new BasicProperties { CorrelationId = correlationId, Headers = headers, DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient };
        return (properties, result.Output is null ? [] : Encoding.UTF8.GetBytes(result.Output));
    }

    public static ServiceResult ReadAnswer(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = properties.Headers;
        var status = headers is not null && headers.TryGetValue(Status, out var s) && s is int code ? code : 500;
        return new ServiceResult
        {
            Cid = Text(headers, Cid) ?? "",
            Status = status,
            Output = status < 400 ? Encoding.UTF8.GetString(body.Span) : null,
            Error = Text(headers, Error),
            Exception = Text(headers, Exception),
            Frame = Text(headers, Frame),
            Headers = Text(headers, Headers) is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null,
        };
    }

}
