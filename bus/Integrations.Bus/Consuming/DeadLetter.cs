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
}
