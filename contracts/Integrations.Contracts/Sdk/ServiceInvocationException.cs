namespace Integrations;

/// <summary>Raised when a call to another service did not succeed.</summary>
public sealed class ServiceInvocationException(string service, int status, string message)
    : ServiceException(status, $"{service} answered {status}: {message}")
{
    /// <summary>The service that was called.</summary>
    public string Service { get; } = service;
}
