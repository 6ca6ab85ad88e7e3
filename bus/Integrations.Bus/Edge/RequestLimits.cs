using Integrations.Bus.Node;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;

namespace Integrations.Bus.Edge;

/// <summary>
/// How large a request's headers and URL may be. The node answers one that is too large itself — a JSON error with
/// a cid, and a log line — rather than leave it to the web server, whose own refusal has no body, no cid and no log
/// line. The server's limits sit well above these, as the last guard.
/// </summary>
public static class RequestLimits
{
    /// <summary>The largest total of request header bytes (names and values) a node accepts.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>The longest URL (path and query string) a node accepts.</summary>
    public const int MaxUrlBytes = 8 * 1024;

    /// <summary>Sets the web server's own limits above the node's.</summary>
    public static void Configure(KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestHeadersTotalSize = 8 * MaxHeaderBytes;
        kestrel.Limits.MaxRequestLineSize = 8 * MaxUrlBytes;
    }

    /// <summary>A middleware answering 431 (headers) and 414 (URL) before anything else runs.</summary>
    public static Func<HttpContext, RequestDelegate, Task> Middleware(ILogger log)
    {
        var limits = log.ForContext("SourceContext", "http");
        return async (http, next) =>
        {
            var request = http.Request;
            var url = request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
            var headers = 0;
            foreach (var (name, values) in request.Headers)
                foreach (var value in values) headers += name.Length + (value?.Length ?? 0) + 4;
            if (url <= MaxUrlBytes && headers <= MaxHeaderBytes)
            {
                await next(http);
                return;
            }
            var cid = Cid.New();
            var (status, error) = url > MaxUrlBytes
                ? (414, $"the URL is {url:N0} bytes long; at most {MaxUrlBytes:N0} are accepted")
                : (431, $"the request's headers are {headers:N0} bytes; at most {MaxHeaderBytes:N0} are accepted");
            limits.ForContext("Cid", cid).Warning("{Status} cid={Cid}; {Method} {Path}: {Error}; remote-addr={Remote}",
                status, cid, request.Method, request.Path.Value is { Length: > 200 } p ? p[..200] + "…" : request.Path.Value, error, http.Connection.RemoteIpAddress?.ToString());
            await HttpAnswers.WriteErrorAsync(http, status, error, cid);
        };
    }
}
