using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Integrations.Bus.Backbone;
using Integrations.Bus.Edge;
using Integrations.Config;
using Integrations.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Serilog;

namespace Integrations.Adapters.Http;

/// <summary>
/// REST channels on the channel port (17010 by default): CORS, method, security, rate limit, body size and format are
/// checked in that order, then the service is invoked through the backbone with the input merged from the query
/// string, the body and the path (later ones win). Every channel is a route of the port's routing table.
/// </summary>
public sealed class ChannelGateway(CallerSecurity callers, ServiceClient services, Bus.Telemetry.Hops hops, ILogger log)
{
    private const string AnyMethod = "GET, POST, PUT, PATCH, DELETE";
    private readonly ILogger _log = log.ForContext("SourceContext", "rest-channel");

    /// <summary>Handles one call of <paramref name="channel"/>, whose route matched, under <paramref name="cid"/>.</summary>
    public async Task HandleAsync(HttpContext http, LiveChannel channel, string cid)
    {
        var request = http.Request;
        var started = Stopwatch.GetTimestamp();
        var config = channel.Config;
        var log = _log.ForContext("Cid", cid);
        var hop = hops.Channel("rest", config.Name, cid, request);
        log.Information("REST cha → cid={Cid}; {Method} {Path} name={Channel}; len={Length}; agent={Agent}; remote-addr={Remote}",
            cid, request.Method, request.Path.Value, config.Name, request.ContentLength ?? 0, request.Headers.UserAgent.ToString(),
            http.Connection.RemoteIpAddress?.ToString());
        ServiceResult result;
        try
        {
            result = await ServeAsync(http, channel, request.RouteValues, cid);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            log.Error(e, "REST cha: channel {Channel} failed", config.Name);
            result = ServiceResult.Failed(cid, 500, $"the channel failed; the server log has the details under cid={cid}");
        }
        log.Information("REST cha ← cid={Cid}; {Status} time={Elapsed:0.###}ms; len={Length}",
            cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (result.Output ?? result.Error)?.Length ?? 0);
        hop.End(result.Status, result.Error);
        if (result.Headers is { } headers)
            foreach (var (name, value) in headers) http.Response.Headers[name] = value;
        if (result.Status == 204) http.Response.StatusCode = 204;
        else await HttpAnswers.WriteAsync(http, result);
    }

    private async Task<ServiceResult> ServeAsync(HttpContext http, LiveChannel channel, RouteValueDictionary pathValues, string cid)
    {
        var request = http.Request;
        var config = channel.Config;
        if (!config.IsActive) return Fail(404, $"channel '{config.Name}' is inactive");

        // CORS first: a browser's preflight carries no credentials.
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            var allowed = config.CorsOrigins.Contains("*") || config.CorsOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
            if (!allowed) return Fail(403, $"origin {origin} may not call this channel");
            http.Response.Headers.AccessControlAllowOrigin = config.CorsOrigins.Contains("*") ? "*" : origin;
            http.Response.Headers.Vary = "Origin";
            if (HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0)
            {
                http.Response.Headers.AccessControlAllowMethods = config.Method ?? AnyMethod;
                http.Response.Headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } asked ? asked : "Content-Type";
                http.Response.Headers.AccessControlMaxAge = "600";
                return new ServiceResult { Cid = cid, Status = 204 };
            }
        }

        if (config.Method is { } method && !string.Equals(method, request.Method, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = method;
            return Fail(405, $"{request.Method} is not allowed on this channel; use {method}");
        }

        var check = await callers.CheckAsync(http, config.Security);
        if (!check.Passed) return Fail(check.Status, check.Error!);
        var caller = check.Caller;

        if (channel.Limiter is { } limiter)
        {
            using var lease = limiter.AttemptAcquire(caller ?? http.Connection.RemoteIpAddress?.ToString() ?? "");
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Fail(429, $"too many calls: this channel allows {config.RateLimit} per caller; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s");
            }
        }

        var input = await ReadInputAsync(http, config, pathValues);
        if (input.Error is { } error) return error with { Cid = cid };

        var timeout = config.TimeoutSeconds is { } seconds ? DateTimeOffset.UtcNow.AddSeconds(seconds) : default;
        return await services.InvokeAsync(new InvokeService
        {
            Service = config.Service,
            Cid = cid,
            Input = input.Body,
            Defaults = input.Defaults,
            Overrides = input.Overrides,
            Channel = config.Name,
            Caller = caller,
            Deadline = timeout,
        }, http.RequestAborted);

        ServiceResult Fail(int status, string message) => ServiceResult.Failed(cid, status, message);
    }

    // The input as it travels: the body as it came (a JSON body is not read here; the worker that binds it parses it,
    // once), the query string under it and the path's parameters over it.
    private static async Task<(ReadOnlyMemory<byte> Body, string? Defaults, string? Overrides, ServiceResult? Error)> ReadInputAsync(HttpContext http,
        ChannelRest config, RouteValueDictionary pathValues)
    {
        var request = http.Request;
        // The channel's limit replaces the server's default one (30 MB), in both directions.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = config.MaxBodyBytes + 1;
        if (request.ContentLength > config.MaxBodyBytes)
            return (default, null, null, ServiceResult.Failed("", 413, $"the body is {request.ContentLength} bytes; this channel takes at most {config.MaxBodyBytes}"));

        string? defaults = null;
        if (request.Query.Count > 0)
        {
            var query = new JsonObject();
            foreach (var (name, values) in request.Query) query[name] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            defaults = query.ToJsonString();
        }
        string? overrides = null;
        if (pathValues.Count > 0)
        {
            var path = new JsonObject();
            foreach (var (name, value) in pathValues) path[name] = value?.ToString();
            overrides = path.ToJsonString();
        }

        var body = await ReadBodyAsync(request, config.MaxBodyBytes, http.RequestAborted);
        if (body is null)
            return (default, null, null, ServiceResult.Failed("", 413, $"the body is larger than this channel's limit of {config.MaxBodyBytes} bytes"));
        if (body.Length == 0) return (default, defaults, overrides, null);
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;
        if (config.DataFormat == "form")
        {
            if (mediaType != "application/x-www-form-urlencoded")
                return (default, null, null, ServiceResult.Failed("", 415, $"this channel takes form data (Content-Type: application/x-www-form-urlencoded), not {mediaType ?? "an untyped body"}"));
            var form = new JsonObject();
            foreach (var (name, values) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
                form[name] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            return (JsonSerializer.SerializeToUtf8Bytes(form), defaults, overrides, null);
        }
        if (mediaType is not null && mediaType != "application/json" && mediaType != "text/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
            return (default, null, null, ServiceResult.Failed("", 415, $"this channel takes JSON (Content-Type: application/json), not {mediaType}"));
        return (body, defaults, overrides, null);
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        if (request.ContentLength == 0) return [];
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

}
