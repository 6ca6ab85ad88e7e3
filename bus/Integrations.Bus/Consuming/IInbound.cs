namespace Integrations.Bus.Consuming;

/// <summary>
/// One message a transport received, and how to settle it with its broker: the transport's whole say in what
/// happens to a message. Settling twice is harmless; what is not settled goes back to the broker when the listener closes.
/// </summary>
public interface IInbound
{
    /// <summary>The body, as the broker gave it.</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>The message's properties and headers, named for services (<c>amqp.routing_key</c>, <c>mq.property.x</c>).</summary>
    IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The message's id, as its sender gave it (null when none did).</summary>
    string? MessageId { get; }

    /// <summary>Whether the broker gave it before without hearing that it was settled.</summary>
    bool Redelivered { get; }

    /// <summary>The cid the message carries (<c>esb-cid</c>), if any.</summary>
    string? Cid { get; }

    /// <summary>Where the sender wants the answer, if anywhere.</summary>
    string? ReplyTo { get; }

    /// <summary>
    /// Whether it can still be settled: once the channel or link it came on closed, the broker gives it again (here
    /// after reconnecting, or elsewhere), and running it now would only make a duplicate.
    /// </summary>
    bool CanSettle { get; }

    /// <summary>Done with it: the broker forgets it.</summary>
    Task CompleteAsync(CancellationToken cancellation);

    /// <summary>Not done, not failed (the node is stopping): the broker gives it again, here or elsewhere.</summary>
    Task DeferAsync();

    /// <summary>Failed for good: keep it where an operator finds it, with the reason, then forget it here.</summary>
    Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation);

    /// <summary>Sends a successful answer to <see cref="ReplyTo"/>.</summary>
    Task ReplyAsync(ServiceResult result, CancellationToken cancellation);
}
