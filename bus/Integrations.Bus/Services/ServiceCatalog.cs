using System.Collections.Concurrent;
using System.Reflection;
using Integrations.Runtime;

namespace Integrations.Bus.Services;

/// <summary>
/// The registry of services known in the cluster. Every node holds the whole catalog, so a call for a
/// service that does not exist is answered at once (404) wherever it arrives.
/// </summary>
public sealed class ServiceCatalog
{
    private readonly ConcurrentDictionary<string, ServiceDefinition> _services = new(StringComparer.Ordinal);

    /// <summary>Raised after a service is added or replaced.</summary>
    public event Action<ServiceDefinition>? Added;

    /// <summary>Raised after a service is removed.</summary>
    public event Action<ServiceDefinition>? Removed;

    /// <summary>All services, by name.</summary>
    public IReadOnlyCollection<ServiceDefinition> All => _services.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>Finds a service by name.</summary>
    public bool TryGet(string name, out ServiceDefinition service) => _services.TryGetValue(name, out service!);

    /// <summary>What a caller is told about a name no service has: <c>no service named 'demo.helo'; did you mean 'demo.hello'?</c></summary>
    public string NoSuchService(string name, IEnumerable<string>? alsoKnown = null) =>
        $"no service named '{name}'" + Suggestions.DidYouMean(name, _services.Keys.Concat(alsoKnown ?? []));

    /// <summary>Adds a service; a second class claiming a taken name is refused with both names in the message.</summary>
    public void Add(ServiceDefinition service)
    {
        if (!_services.TryAdd(service.Name, service))
        {
            var existing = _services[service.Name];
            if (existing.Type != service.Type)
                throw new ArgumentException($"service name '{service.Name}' is taken by {existing.Type.FullName}; {service.Type.FullName} cannot have it too");
            return;
        }
        Added?.Invoke(service);
    }

    /// <summary>Adds a service or replaces the one of the same name (a new deployed version); calls already running keep theirs.</summary>
    public void Put(ServiceDefinition service)
    {
        _services[service.Name] = service;
        Added?.Invoke(service);
    }

    /// <summary>Adds every service class of an assembly.</summary>
    public void AddAssembly(Assembly assembly, string origin)
    {
        foreach (var type in ServiceDefinition.FindIn(assembly)) Add(ServiceDefinition.Describe(type, origin));
    }

    /// <summary>Removes a service by name.</summary>
    public bool Remove(string name)
    {
        if (!_services.TryRemove(name, out var removed)) return false;
        Removed?.Invoke(removed);
        return true;
    }
}
