namespace Integrations;

/// <summary>
/// Ends a call with a status and a message the caller sees, e.g.
/// <c>throw new ServiceException(404, "no customer 42")</c>. Any other exception is a 500 whose
/// details stay in the log.
/// </summary>
public class ServiceException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP-style status of the answer (4xx for the caller's mistakes).</summary>
    public int Status { get; } = status;
}
