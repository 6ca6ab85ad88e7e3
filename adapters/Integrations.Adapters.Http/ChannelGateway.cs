using System.Text.Json;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Integrations.Adapters.Http;

/// <summary>
/// The channel port (17010 by default): every request gets a correlation id, answered in <c>X-Esb-Cid</c>.
/// It serves the node's liveness check, <c>GET /esb/ping</c>; REST channels are matched here too.
/// </summary>
public sealed class ChannelGateway(NodeOptions node, ILogger log)
{
    private readonly ILogger _log = log.ForContext("SourceContext", "channel");

    /// <summary>Handles one request on the channel port.</summary>
    public Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var cid = Cid.New();
        if (request.Path.Equals("/esb/ping", StringComparison.Ordinal))
        {
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
                return HttpAnswers.WriteErrorAsync(http, 405, $"{request.Method} is not allowed on /esb/ping; use GET", cid);
            return HttpAnswers.WriteJsonAsync(http, 200, cid, JsonSerializer.Serialize(new PingAnswer("esb", node.NodeName, cid), PongJson));
        }

        _log.Information("REST cha → cid={Cid}; {Method} {Path}: no channel matches", cid, request.Method, request.Path.Value);
        return HttpAnswers.WriteErrorAsync(http, 404, $"no channel matches {request.Method} {request.Path.Value}", cid);
    }

    private static readonly JsonSerializerOptions PongJson = new(JsonSerializerDefaults.Web);

    private sealed record PingAnswer(string Pong, string Node, string Cid);
}
