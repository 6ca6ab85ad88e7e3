using System.Text.Json;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>
/// The node's own endpoints on the channel port: <c>GET /esb/ping</c> (alive: it answers), <c>GET /esb/ready</c>
/// (ready: connected to the message bus, else 503 until it is again), the health checks' <c>/health/live</c> and
/// <c>/health/ready</c> (<see cref="NodeHealth"/>), and those registered (the REST channels' OpenAPI document, the tutorial's demo systems).
/// </summary>
public sealed class NodeEndpoints(NodeOptions node, IEnumerable<NodeEndpoint> endpoints) : IChannelRoutes
{
    private const string Ping = "/esb/ping";
    private const string Ready = "/esb/ready";
    private static readonly JsonSerializerOptions PingJson = new(JsonSerializerDefaults.Web);
    private readonly IReadOnlyList<NodeEndpoint> _endpoints = [.. endpoints];

    /// <summary>Every path the node serves itself.</summary>
    public IReadOnlySet<string> Paths { get; } = endpoints.Select(e => e.Path.ToLowerInvariant()).Append(Ping).Append(Ready)
        .Append(NodeHealth.LivePath).Append(NodeHealth.ReadyPath).ToHashSet();

    /// <inheritdoc />
    public string? Kind => null;

    /// <inheritdoc />
    public IEnumerable<ChannelRoute> Routes()
    {
        yield return new ChannelRoute(Ping, "the node", PingAsync);
        yield return new ChannelRoute(Ready, "the node", ReadyAsync);
        yield return new ChannelRoute(NodeHealth.LivePath, "the node", (http, cid) => HealthAsync(http, cid, ready: false));
        yield return new ChannelRoute(NodeHealth.ReadyPath, "the node", (http, cid) => HealthAsync(http, cid, ready: true));
        foreach (var path in _endpoints.GroupBy(e => e.Path, StringComparer.OrdinalIgnoreCase))
        {
            var byMethod = path.ToDictionary(e => e.Method, StringComparer.OrdinalIgnoreCase);
            yield return new ChannelRoute(path.Key, "the node", (http, cid) => byMethod.TryGetValue(http.Request.Method, out var endpoint)
                ? endpoint.Handle(http)
                : NotAllowed(http, cid, string.Join(", ", byMethod.Keys)));
        }
    }

    private Task PingAsync(HttpContext http, string cid) =>
        HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? HttpAnswers.WriteJsonAsync(http, 200, cid, JsonSerializer.Serialize(new PingAnswer("esb", node.NodeName, cid), PingJson))
            : NotAllowed(http, cid, "GET");

    // For a load balancer or an orchestrator's readiness probe: while the message bus is away, send callers elsewhere.
    // The health checks' message_bus check decides, as it does for /health/ready.
    private async Task ReadyAsync(HttpContext http, string cid)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await NotAllowed(http, cid, "GET");
            return;
        }
        if (await NodeHealth.PassesAsync(http, NodeHealth.MessageBus))
            await HttpAnswers.WriteJsonAsync(http, 200, cid, JsonSerializer.Serialize(new ReadyAnswer(true, node.NodeName, "connected", cid), PingJson));
        else
            await HttpAnswers.WriteErrorAsync(http, 503, $"{node.NodeName} is not ready: the message bus is not reachable right now; it connects again by itself", cid);
    }

    private static Task HealthAsync(HttpContext http, string cid, bool ready) =>
        HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? NodeHealth.AnswerAsync(http, ready, cid)
            : NotAllowed(http, cid, "GET");

    private static Task NotAllowed(HttpContext http, string cid, string methods)
    {
        http.Response.Headers.Allow = methods;
        return HttpAnswers.WriteErrorAsync(http, 405, $"{http.Request.Method} is not allowed on {http.Request.Path.Value}; use {methods}", cid);
    }

    private sealed record PingAnswer(string Pong, string Node, string Cid);

    private sealed record ReadyAnswer(bool Ready, string Node, [property: System.Text.Json.Serialization.JsonPropertyName("message_bus")] string MessageBus, string Cid);
}
