using Integrations.Admin;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// <c>GET /admin/logs?cid=…</c>: this node's log lines under one correlation id (from <c>logs/server.log</c> and its
/// rolled files, oldest first; in the node's line format or as JSON lines), or, without a cid, the last lines. Other nodes keep their own logs.
/// <c>last=N</c> says how many lines, <c>offset=M</c> leaves out the M newest first (the pages before them), and the
/// answer's <c>total</c> counts every line there is to page through.
/// </summary>
public static class LogEndpoints
{
    private const int MaxLines = 2000;
    private const int MaxOffset = 50_000;

    /// <summary>Maps the endpoint.</summary>
    public static void MapLogEndpoints(this RouteGroupBuilder admin) =>
        admin.MapGet("/logs", async (string? cid, int? last, int? offset, NodeOptions node, Serilog.ILogger log, HttpContext http) =>
        {
            // The lines of a call that has just answered may still be on their way to the file.
            await Integrations.Bus.Logging.EsbLogging.WrittenAsync(log, http.RequestAborted);
            if (node.LogDirectory is null) return Results.Json(new ErrorBody("this node writes no log file (--log-dir)", 404, null), ConfigEndpoints.Json, statusCode: 404);
            if (cid is not null && !Cid.IsAcceptable(cid)) return Results.Json(new ErrorBody("cid: letters, digits, '-', '_' and '.', at most 64", 400, null), ConfigEndpoints.Json, statusCode: 400);
            if (last is < 1 or > MaxLines) return Results.Json(new ErrorBody($"last must be from 1 to {MaxLines}", 400, null), ConfigEndpoints.Json, statusCode: 400);
            if (offset is < 0 or > MaxOffset) return Results.Json(new ErrorBody($"offset must be from 0 to {MaxOffset}", 400, null), ConfigEndpoints.Json, statusCode: 400);
            var files = Directory.Exists(node.LogDirectory)
                ? Directory.GetFiles(node.LogDirectory, "server*.log").OrderBy(File.GetLastWriteTimeUtc).ToList()
                : [];
            var take = last ?? (cid is null ? 200 : MaxLines);
            var skip = offset ?? 0;
            // Only the newest take + skip lines are kept while reading: the page is the oldest take of them.
            var kept = new Queue<string>();
            var total = 0;
            var needle = cid is null ? null : "cid=" + cid;
            // JSON lines (--log-format json) carry it as a property.
            var property = cid is null ? null : $"\"Cid\":\"{cid}\"";
            foreach (var file in files)
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(http.RequestAborted) is { } line)
                {
                    if (needle is not null && !line.Contains(needle, StringComparison.Ordinal) && !line.Contains(property!, StringComparison.Ordinal)) continue;
                    total++;
                    kept.Enqueue(line);
                    if (kept.Count > take + skip) kept.Dequeue();
                }
            }
            return Results.Json(new { node = node.NodeName, cid, total, offset = skip, lines = kept.SkipLast(skip).TakeLast(take) }, ConfigEndpoints.Json);
        });
}
