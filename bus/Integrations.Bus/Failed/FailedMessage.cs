namespace Integrations.Bus.Failed;

/// <summary>
/// A message the platform gave up on, as the failed-message store keeps it: what it carried, why it failed, where it
/// came from (to send it back there), and what happened to it since.
/// </summary>
public sealed class FailedMessage
{
    /// <summary>Its id, from <see cref="Backbone.Wire.FailedId"/>: kept when it is sent again and fails again.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>failed</c>, <c>retried</c> (sent back, and not failed again since) or <c>archived</c>.</summary>
    public string State { get; set; } = Failed;

    /// <summary>What gave it up: <c>channel_amqp</c>, <c>channel_mq</c>, <c>pubsub_subscription</c> or <c>service</c>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The channel's, subscription's or service's name.</summary>
    public string Channel { get; set; } = "";
    /// <summary>The service it was for, when it was for one.</summary>
    public string? Service { get; set; }
    /// <summary>The outgoing AMQP connection whose broker it came from, or null for the backbone's own.</summary>
    public string? Connection { get; set; }
    /// <summary>The queue it came from, where a retry sends it.</summary>
    public string Queue { get; set; } = "";
    /// <summary>The dead-letter queue it was ingested from.</summary>
    public string DeadLetterQueue { get; set; } = "";

    /// <summary>The cid it ran under, and runs again under.</summary>
    public string Cid { get; set; } = "";
    /// <summary>The node that gave it up.</summary>
    public string? Node { get; set; }

    /// <summary>The body, as it came.</summary>
    public byte[] Body { get; set; } = [];
    /// <summary>The body as text, when it is UTF-8 (searched by <c>text</c>).</summary>
    public string? Text { get; set; }
    /// <summary>Its headers and properties, as text (<c>content_type</c>, <c>message_id</c>, <c>correlation_id</c>, <c>reply_to</c> among them when it had them).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last status: the service's (4xx, 5xx), or 502 for a delivery elsewhere that failed.</summary>
    public int Status { get; set; }
    /// <summary>What went wrong, in a sentence.</summary>
    public string Error { get; set; } = "";
    /// <summary>The type of the exception the service threw, when it threw one.</summary>
    public string? Exception { get; set; }
    /// <summary>Where that exception was thrown: its first stack frame.</summary>
    public string? Frame { get; set; }
    /// <summary>What failures of the same kind share: the exception's type, or the status and the error's first line.</summary>
    public string Cause { get; set; } = "";
    /// <summary>The group it is in: the same service (or channel) and cause.</summary>
    public string Group { get; set; } = "";

    /// <summary>How many times it was tried, over every time it failed.</summary>
    public int Attempts { get; set; }
    /// <summary>When it was first given up on.</summary>
    public DateTimeOffset FirstFailed { get; set; }
    /// <summary>When it was last given up on.</summary>
    public DateTimeOffset LastFailed { get; set; }
    /// <summary>When it was last retried, archived or edited.</summary>
    public DateTimeOffset Changed { get; set; }

    /// <summary>The body and headers an operator changed it to, sent by a retry instead of the original's (kept as it came).</summary>
    public FailedEdit? Edited { get; set; }

    /// <summary>What happened to it, oldest first.</summary>
    public List<FailedEvent> History { get; set; } = [];

    /// <summary>The states.</summary>
    public const string Failed = "failed", Retried = "retried", Archived = "archived";
}

/// <summary>What an operator changed a failed message to.</summary>
/// <param name="Body">The body sent from now on.</param>
/// <param name="Text">That body as text, when it is UTF-8.</param>
/// <param name="Headers">The headers sent from now on.</param>
/// <param name="At">When.</param>
/// <param name="By">Who.</param>
public sealed record FailedEdit(byte[] Body, string? Text, Dictionary<string, string> Headers, DateTimeOffset At, string By);

/// <summary>One thing that happened to a failed message.</summary>
/// <param name="At">When.</param>
/// <param name="What"><c>failed</c>, <c>failed again</c>, <c>retried</c>, <c>edited</c>, <c>archived</c>.</param>
/// <param name="Detail">The error, the node, where it was sent…</param>
/// <param name="By">The user who did it, or the node where it happened.</param>
public sealed record FailedEvent(DateTimeOffset At, string What, string Detail, string? By);
