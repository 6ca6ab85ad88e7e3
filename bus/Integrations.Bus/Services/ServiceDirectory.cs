using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Config;

namespace Integrations.Bus.Services;

/// <summary>
/// The one place a call is resolved, whoever makes it and wherever it runs: the service it names (a 404 at once when
/// there is none) and the deadline it runs to (the caller's, or the service's timeout from now).
/// </summary>
public sealed class ServiceDirectory(ServiceCatalog catalog, ConfigView config, NodeOptions options)
{
    /// <summary>How long callers wait for <paramref name="service"/>: its settings, else the node's default.</summary>
    public TimeSpan TimeoutOf(string service) =>
        config.Find<ServiceSettings>(service)?.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.DefaultTimeout;

    /// <summary>
    /// The service <paramref name="call"/> names and the call with its deadline; or, when it cannot run, the answer
    /// it gets instead (404: no such service; 504: its deadline has passed).
    /// </summary>
    public bool TryResolve(InvokeService call, out ServiceDefinition service, out InvokeService resolved, out ServiceResult? refusal)
    {
        resolved = call;
        refusal = null;
        if (!catalog.TryGet(call.Service, out service))
        {
            refusal = ServiceResult.Failed(call.Cid, 404, catalog.NoSuchService(call.Service));
            return false;
        }
        var now = DateTimeOffset.UtcNow;
        if (call.Deadline == default) resolved = call with { Deadline = now + TimeoutOf(call.Service) };
        else if (call.Deadline <= now)
        {
            refusal = ServiceResult.Failed(call.Cid, 504, $"{call.Service}: the deadline passed before it started");
            return false;
        }
        return true;
    }
}
