namespace Integrations.Admin;

/// <summary>A message the platform gave up on, as <c>GET /admin/failed</c> lists it.</summary>
/// <param name="Id">Its id: what <c>esb failed show|retry|edit|delete</c> take.</param>
/// <param name="State"><c>failed</c>, <c>retried</c> (sent back and not failed again since) or <c>archived</c>.</param>
/// <param name="Kind">What gave it up: <c>channel_amqp</c>, <c>channel_mq</c>, <c>pubsub_subscription</c> or <c>service</c> (a call nobody waited for).</param>
/// <param name="Channel">The channel's, subscription's or service's name.</param>
/// <param name="Service">The service it was for.</param>
/// <param name="Queue">The queue it came from, where a retry sends it.</param>
/// <param name="Cid">The cid it ran under.</param>
/// <param name="Node">The node that gave it up.</param>
/// <param name="Status">Its last status.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Exception">The type of the exception the service threw, if it threw one.</param>
/// <param name="Group">Its group: the same service and cause.</param>
/// <param name="Attempts">How many times it was tried, in all.</param>
/// <param name="FirstFailed">When it first failed.</param>
/// <param name="LastFailed">When it last failed.</param>
/// <param name="Size">The body's size, in bytes.</param>
/// <param name="Edited">Whether an operator edited it.</param>
public sealed record FailedMessageInfo(string Id, string State, string Kind, string Channel, string? Service, string Queue, string Cid, string? Node,
    int Status, string Error, string? Exception, string Group, int Attempts, DateTimeOffset FirstFailed, DateTimeOffset LastFailed, int Size, bool Edited);

/// <summary>A page of failed messages, and how many match in all.</summary>
public sealed record FailedMessageList(int Total, IReadOnlyList<FailedMessageInfo> Messages);

/// <summary>One failed message whole, as <c>GET /admin/failed/{id}</c> shows it.</summary>
/// <param name="Message">What the list shows.</param>
/// <param name="Connection">The outgoing AMQP connection whose broker it came from, or null for the backbone's.</param>
/// <param name="DeadLetterQueue">The dead-letter queue it was taken from.</param>
/// <param name="Frame">Where the exception was thrown.</param>
/// <param name="Cause">Its group's cause.</param>
/// <param name="Body">The body as text, when it is UTF-8.</param>
/// <param name="BodyBase64">The body in base64, when it is not.</param>
/// <param name="Headers">Its headers and properties (<c>amqp.content_type</c>…).</param>
/// <param name="Edited">What an operator changed it to, sent by a retry instead.</param>
/// <param name="History">What happened to it, oldest first.</param>
public sealed record FailedMessageDetail(FailedMessageInfo Message, string? Connection, string DeadLetterQueue, string? Frame, string Cause, string? Body,
    string? BodyBase64, IReadOnlyDictionary<string, string> Headers, FailedEditInfo? Edited, IReadOnlyList<FailedEventInfo> History);

/// <summary>What an operator changed a failed message to.</summary>
public sealed record FailedEditInfo(string? Body, string? BodyBase64, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At, string By);

/// <summary>One thing that happened to a failed message: <c>failed</c>, <c>failed again</c>, <c>edited</c>, <c>retried</c>, <c>archived</c>.</summary>
public sealed record FailedEventInfo(DateTimeOffset At, string What, string Detail, string? By);

/// <summary>Failed messages of one service (or channel) with one cause, as <c>GET /admin/failed/groups</c> lists them.</summary>
public sealed record FailedGroupInfo(string Group, string Kind, string Channel, string? Service, string Cause, string Error, int Count,
    DateTimeOffset FirstFailed, DateTimeOffset LastFailed);

/// <summary>What a retry, archive or delete did: the ids it did it to, and those it could not, with why.</summary>
public sealed record FailedActionResult(string Action, IReadOnlyList<string> Done, IReadOnlyDictionary<string, string> Refused);

/// <summary>How a failed message's body is shown to a person, by the CLI and the dashboard alike.</summary>
public static class FailedBody
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>JSON indented, other text as it is, anything else (<paramref name="base64"/>) in hex, 16 bytes a line.</summary>
    public static string Readable(string? text, string? base64)
    {
        if (text is not null)
        {
            try
            {
                return System.Text.Json.Nodes.JsonNode.Parse(text)?.ToJsonString(Indented) ?? text;
            }
            catch (System.Text.Json.JsonException)
            {
                return text;
            }
        }
        var bytes = Convert.FromBase64String(base64 ?? "");
        return string.Join('\n', bytes.Chunk(16).Select((line, i) => $"{i * 16:x8}  {Convert.ToHexString(line).ToLowerInvariant()}"));
    }
}
