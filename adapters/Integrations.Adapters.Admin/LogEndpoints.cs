using Integrations.Admin;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// <c>GET /admin/logs?cid=…</c>: this node's log lines under one correlation id (from <c>logs/server.log</c> and its
/// rolled files, oldest first), or, without a cid, the last lines. Other nodes keep their own logs.
/// </summary>
public static class LogEndpoints
{
    private const int MaxLines = 2000;

    /// <summary>Maps the endpoint.</summary>
    public static void MapLogEndpoints(this RouteGroupBuilder admin) =>
        admin.MapGet("/logs", async (string? cid, int? last, NodeOptions node, HttpContext http) =>
        {
            if (node.LogDirectory is null) return Results.Json(new ErrorBody("this node writes no log file (--log-dir)", 404, null), ConfigEndpoints.Json, statusCode: 404);
            if (cid is not null && !Cid.IsAcceptable(cid)) return Results.Json(new ErrorBody("cid: letters, digits, '-', '_' and '.', at most 64", 400, null), ConfigEndpoints.Json, statusCode: 400);
            if (last is < 1 or > MaxLines) return Results.Json(new ErrorBody($"last must be from 1 to {MaxLines}", 400, null), ConfigEndpoints.Json, statusCode: 400);
            var files = Directory.Exists(node.LogDirectory)
                ? Directory.GetFiles(node.LogDirectory, "server*.log").OrderBy(File.GetLastWriteTimeUtc).ToList()
                : [];
            var lines = new List<string>();
            var needle = cid is null ? null : "cid=" + cid;
            foreach (var file in files)
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(http.RequestAborted) is { } line)
                {
                    if (needle is not null && !line.Contains(needle, StringComparison.Ordinal)) continue;
                    lines.Add(line);
                    if (lines.Count > MaxLines) lines.RemoveAt(0);
                }
            }
            var take = last ?? (cid is null ? 200 : MaxLines);
            return Results.Json(new { node = node.NodeName, cid, lines = lines.TakeLast(take) }, ConfigEndpoints.Json);
        });
}
