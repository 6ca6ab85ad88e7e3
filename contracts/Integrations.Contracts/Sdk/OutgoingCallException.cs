namespace Integrations;

/// <summary>An outgoing system failed: unreachable, too slow, or an unusable answer. The caller gets 502 naming the system.</summary>
public sealed class OutgoingCallException(string connection, string reason)
    : ServiceException(502, $"{connection}: {reason}")
{
    /// <summary>The connection's name.</summary>
    public string Connection { get; } = connection;
}
