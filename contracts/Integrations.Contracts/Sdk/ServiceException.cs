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

/// <summary>Raised when a call to another service did not succeed.</summary>
public sealed class ServiceInvocationException(string service, int status, string message)
    : ServiceException(status, $"{service} answered {status}: {message}")
{
    /// <summary>The service that was called.</summary>
    public string Service { get; } = service;
}
