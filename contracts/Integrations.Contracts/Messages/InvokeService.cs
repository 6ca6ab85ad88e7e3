namespace Integrations.Messages;

/// <summary>
/// The one envelope every channel sends to the backbone: which service to run, with which input, for whom.
/// </summary>
public sealed record InvokeService
{
    /// <summary>The service's name; the message goes to its queue, <c>svc.&lt;name&gt;</c>.</summary>
    public string Service { get; init; } = "";

    /// <summary>The correlation id, kept on every hop.</summary>
    public string Cid { get; init; } = "";

    /// <summary>
    /// The input as it came from the channel: a JSON object in UTF-8 (empty for none). It is parsed once, where the
    /// worker binds it to the service's input.
    /// </summary>
    public ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>Fields the input has unless it gives them itself (a REST call's query string): a JSON object, or null.</summary>
    public string? Defaults { get; init; }

    /// <summary>Fields that win over the input's own (a REST call's path parameters): a JSON object, or null.</summary>
    public string? Overrides { get; init; }

    /// <summary>A JSON text as an input.</summary>
    public static ReadOnlyMemory<byte> Json(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    /// <summary>The channel the call came in through.</summary>
    public string Channel { get; init; } = "";

    /// <summary>The caller's identity as the channel established it, if any.</summary>
    public string? Caller { get; init; }

    /// <summary>When the caller stops waiting; a worker drops a call whose deadline has passed. Default means "the service's own timeout".</summary>
    public DateTimeOffset Deadline { get; init; }

    /// <summary>
    /// For a call nobody waits for: a queue that hears its outcome once it ran (the scheduler records its runs
    /// this way). Null for none.
    /// </summary>
    public string? ReportTo { get; init; }

    /// <summary>What the channel knows of the message besides its body (an AMQP message's routing key, headers, ids…).</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }

    /// <summary>The W3C trace context (<c>traceparent</c>) the call continues, when it came with one; the service's run is a span under it.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }
}
