namespace Integrations.Bus.Consuming;

/// <summary>Why a message was given up on, as its dead-letter copy carries it (in <see cref="Backbone.Wire"/>'s header names).</summary>
/// <param name="Cid">The cid the message ran under.</param>
/// <param name="Status">The last status: a service's (4xx, 5xx), or 502 for a delivery elsewhere that failed.</param>
/// <param name="Error">What went wrong, in a sentence.</param>
/// <param name="Source">What gave up: the channel's or the subscription's name.</param>
/// <param name="Attempts">How many times it was tried.</param>
public sealed record DeadLetter(string Cid, int Status, string Error, string Source, int Attempts)
{
    /// <summary>When it was given up on.</summary>
    public DateTimeOffset FailedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The node that gave it up, when it is known.</summary>
    public string? Node { get; init; }

    /// <summary>The type of the exception the service threw, if it threw one.</summary>
    public string? Exception { get; init; }

    /// <summary>Where that exception was thrown: its first stack frame.</summary>
    public string? Frame { get; init; }

    /// <summary>A letter for a message given up on with <paramref name="result"/>.</summary>
    public static DeadLetter Of(string cid, ServiceResult result, string source, int attempts, string? node) =>
        new(cid, result.Status, result.Error ?? "failed", source, attempts) { Node = node, Exception = result.Exception, Frame = result.Frame };
}
