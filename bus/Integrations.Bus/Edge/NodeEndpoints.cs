using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>The node's own endpoints on the channel port.</summary>
public sealed class NodeEndpoints(IEnumerable<NodeEndpoint> endpoints)
{
    private readonly Dictionary<(string, string), NodeEndpoint> _byRoute =
        endpoints.ToDictionary(e => (e.Method, e.Path.ToLowerInvariant()));

    /// <summary>Every path the node serves itself.</summary>
    public IReadOnlySet<string> Paths { get; } = endpoints.Select(e => e.Path.ToLowerInvariant()).Append("/esb/ping").ToHashSet();

    /// <summary>The endpoint for a method and path, if the node serves it.</summary>
    public NodeEndpoint? Find(string method, string path) => _byRoute.GetValueOrDefault((method, path.ToLowerInvariant()));
}
