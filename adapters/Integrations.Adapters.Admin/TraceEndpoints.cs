using Integrations.Admin;
using Integrations.Bus.Node;
using Integrations.Bus.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// What the cluster's nodes keep of its calls, asked of every node over the bus: <c>GET /admin/trace/{cid}</c>, every
/// hop of one cid (channels, backbone, service runs, outgoing calls, failures and retries) the earliest first; and
/// <c>GET /admin/stats?window=5m|1h</c>, each service's and channel's calls, errors and percentiles over the window.
/// </summary>
public static class TraceEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapTraceEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/trace/{cid}", async (string cid, ClusterHops cluster, HttpContext http) =>
            Cid.IsAcceptable(cid)
                ? Results.Json(await cluster.TraceAsync(cid, http.RequestAborted), ConfigEndpoints.Json)
                : Results.Json(new ErrorBody("cid: letters, digits, '-', '_' and '.', at most 64", 400, null), ConfigEndpoints.Json, statusCode: 400))
            .Produces<TraceInfo>();
        admin.MapGet("/stats", async (string? window, ClusterHops cluster, HttpContext http) =>
        {
            window ??= "5m";
            if (!ClusterHops.Windows.ContainsKey(window))
                return Results.Json(new ErrorBody($"window: '{window}' is not a window; use {string.Join(" or ", ClusterHops.Windows.Keys)}", 400, null),
                    ConfigEndpoints.Json, statusCode: 400);
            return Results.Json(await cluster.StatsAsync(window, http.RequestAborted), ConfigEndpoints.Json);
        }).Produces<StatsInfo>();
    }
}
