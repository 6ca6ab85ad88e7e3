namespace Integrations.Bus.Consuming;

/// <summary>An endpoint a transport listens on: a queue consumed, a link receiving. Disposing closes it; what was not settled goes back to the broker.</summary>
public interface IListener : IAsyncDisposable
{
    /// <summary>Whether the broker still delivers to it.</summary>
    bool IsListening { get; }

    /// <summary>Raised when the broker stopped delivering to it (a closed channel or link), with the reason: the host listens again.</summary>
    event Action<string>? Lost;

    /// <summary>Stops taking new messages; those already taken may still be settled.</summary>
    Task StopReceivingAsync();

    /// <summary>How many messages wait to be delivered, where the broker says (null where it does not).</summary>
    Task<long?> DepthAsync(CancellationToken cancellation) => Task.FromResult<long?>(null);
}
