using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Integrations.Admin;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Integrations.Bus.Security;
using Integrations.Bus.Services;
using Integrations.Config;
using Integrations.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Adapters.Admin;

/// <summary>The admin API on the admin port (8183 by default), behind the admin user's Basic Auth.</summary>
public static class AdminApi
{
    // One way the admin API writes JSON: snake_case, nulls left out, quotes and '…' as they are.
    private static readonly JsonSerializerOptions Json = ConfigEndpoints.Json;

    /// <summary>Registers what the admin API needs.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        services.AddSingleton<AdminCredentials>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminCredentials>());
        services.AddAdminDocuments();
        return services;
    }

    /// <summary>Maps the admin API under <c>/admin</c>.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").AddEndpointFilter(RequireAdmin).AddEndpointFilter(WhenTheDatabaseIsAway);

        admin.MapGet("/node", (NodeOptions node) => Ok(new
        {
            node = node.NodeName,
            version = typeof(AdminApi).Assembly.GetName().Version?.ToString(3),
            roles = node.Roles.ToString().ToLowerInvariant(),
        }));
        admin.MapGet("/nodes", (ClusterNodes nodes) => Ok(nodes.All()));
        admin.MapGet("/services", (ServiceCatalog catalog, ServiceDirectory directory, ServiceRuntime runtime) =>
            Ok(catalog.All.Select(s => Describe(s, directory, runtime))));
        admin.MapGet("/services/{name}", (string name, ServiceCatalog catalog, ServiceDirectory directory, ServiceRuntime runtime) =>
            catalog.TryGet(name, out var service) ? Ok(Describe(service, directory, runtime)) : NoService(name, catalog));
        admin.MapPost("/services/{name}/invoke", InvokeAsync);
        admin.MapGet("/services/{name}/settings", (string name, ServiceCatalog catalog, ConfigView config) =>
            catalog.TryGet(name, out _) ? Ok(config.Find<ServiceSettings>(name) ?? new ServiceSettings { Name = name }) : NoService(name, catalog));
        admin.MapPut("/services/{name}/settings", PutSettingsAsync);
        admin.MapConfigEndpoints();
        admin.MapDeploymentEndpoints();
        admin.MapLogEndpoints();
        admin.MapTraceEndpoints();
        admin.MapFallback("{**path}", (HttpContext http, EndpointDataSource endpoints) => UnknownPath(http, endpoints)).ExcludeFromDescription();
        return routes;
    }

    // A path the admin API does not have: say so in JSON, with the path it has that is closest to the one asked for.
    private static IResult UnknownPath(HttpContext http, EndpointDataSource endpoints)
    {
        var asked = (http.Request.Path.Value ?? "/").TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var known = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => p.StartsWith("/admin/", StringComparison.Ordinal) && !p.Contains("**", StringComparison.Ordinal))
            // The literal part: "/admin/outgoing/rest/{name}/ping" offers "admin/outgoing/rest".
            .Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries).TakeWhile(s => !s.StartsWith('{')).ToArray())
            .DistinctBy(p => string.Join('/', p))
            .ToList();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known.Where(c => c.Length <= asked.Length))
        {
            var prefix = string.Join('/', asked.Take(candidate.Length));
            var name = string.Join('/', candidate);
            if (prefix == name || Suggestions.Closest(prefix, [name]).Count == 0) continue;
            var distance = Suggestions.Distance(prefix.ToLowerInvariant(), name);
            if (distance >= bestDistance) continue;
            bestDistance = distance;
            best = "/" + string.Join('/', candidate.Concat(asked.Skip(candidate.Length)));
        }
        return Error(404, $"the admin API has no {http.Request.Method} {http.Request.Path.Value}" + (best is null ? "; GET /admin/node answers if the node is there" : $"; did you mean {best}?"));
    }

    private static async Task InvokeAsync(string name, HttpContext http, ServiceClient client, Bus.Telemetry.Hops hops, ILogger log)
    {
        var cid = Cid.New();
        var started = Stopwatch.GetTimestamp();
        var hop = hops.Channel("admin", "invoke", cid, http.Request);
        string body;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync(http.RequestAborted);
        log = log.ForContext("SourceContext", "admin");
        log.Information("admin → cid={Cid}; invoke {Service}; len={Length}; agent={Agent}; remote-addr={Remote}",
            cid, name, body.Length, http.Request.Headers.UserAgent.ToString(), http.Connection.RemoteIpAddress?.ToString());

        ServiceResult result;
        if (!InvokeParameters.TryParse(body, out var input, out var error))
            result = ServiceResult.Failed(cid, 400, error!);
        else
            result = await client.InvokeAsync(new InvokeService { Service = name, Cid = cid, Input = InvokeService.Json(input!), Channel = "admin", Caller = AdminCredentials.UserName },
                http.RequestAborted);

        log.Information("admin ← cid={Cid}; {Status} time={Elapsed:0.###}ms; len={Length}",
            cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (result.Output ?? result.Error)?.Length ?? 0);
        hop.End(result.Status, result.Error);
        await HttpAnswers.WriteAsync(http, result);
    }

    private static async Task<IResult> PutSettingsAsync(string name, HttpContext http, ServiceCatalog catalog, ConfigStore store)
    {
        if (!catalog.TryGet(name, out _)) return NoService(name, catalog);
        const string Shape = "the body is {\"timeout_seconds\": 5} (null returns to the node's default)";
        var body = await ConfigEndpoints.ReadObjectAsync(http);
        if (body.Error is not null) return body.Error;
        if (!body.Object!.ContainsKey("timeout_seconds")) return Error(400, $"timeout_seconds is required: {Shape}");
        if (body.Object.ContainsKey("name")) return Error(400, "name: is the service's, given in the URL; " + Shape);
        body.Object["name"] = name;
        if (!ConfigJson.TryBind(typeof(ServiceSettings), body.Object, out var bound, out var wrong))
            return Error(400, $"{wrong!.Field}: {wrong.Message}");
        var settings = (ServiceSettings)bound;
        // Settings that are all defaults are not kept: the service is back to the node's defaults.
        if (settings.TimeoutSeconds is null) await store.DeleteAsync<ServiceSettings>(name, http.RequestAborted);
        else
        {
            try
            {
                await store.SaveAsync(settings, http.RequestAborted);
            }
            catch (ConfigRejectedException e)
            {
                return Error(e.Status, e.Message);
            }
        }
        return Ok(settings);
    }

    private static ServiceInfo Describe(ServiceDefinition s, ServiceDirectory directory, ServiceRuntime runtime)
    {
        var (count, mean) = runtime.Stats.Of(s.Name);
        return new(s.Name, s.Origin, s.Type.FullName ?? s.Type.Name, s.RequiredInput, directory.TimeoutOf(s.Name).TotalSeconds, count, Math.Round(mean, 3));
    }

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // A browser page on another site must not drive the admin API with an operator's remembered login.
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase))
            return Error(403, $"admin API: requests from pages of {origin} are refused");
        var credentials = http.RequestServices.GetRequiredService<AdminCredentials>();
        if (credentials.IsInternal(http.Request.Headers[AdminCredentials.InternalKeyHeader].ToString())) return await next(context);
        if (BasicAuth.TryRead(http.Request.Headers.Authorization.ToString(), out var user, out var password) && credentials.Verify(user, password))
            return await next(context);
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"esb admin\", charset=\"UTF-8\"";
        return Error(401, "admin API: give the admin user's name and password with Basic Auth (esb invoke reads ESB_ADMIN_PASSWORD or the data directory's admin-password file)");
    }

    // PostgreSQL away (stopped, restarting, unreachable): what needed it is refused whole, in our words, and the node
    // keeps serving from what it holds in memory.
    private static async ValueTask<object?> WhenTheDatabaseIsAway(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (IsDatabaseAway(e))
        {
            var http = context.HttpContext;
            var cid = Cid.New();
            http.RequestServices.GetRequiredService<Serilog.ILogger>().ForContext("Cid", cid)
                .Error(e, "admin API: {Method} {Path} needs PostgreSQL, which is not reachable", http.Request.Method, http.Request.Path.Value);
            http.Response.Headers.RetryAfter = "5";
            return Results.Json(new ErrorBody($"the configuration database (PostgreSQL) is not reachable right now; nothing was changed; try again (cid={cid})", 503, cid),
                Json, statusCode: 503);
        }
    }

    private static bool IsDatabaseAway(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is Npgsql.NpgsqlException or System.Net.Sockets.SocketException) return true;
        return false;
    }

    private static IResult Ok(object value) => Results.Json(value, Json);
    private static IResult NoService(string name, ServiceCatalog catalog) => Error(404, catalog.NoSuchService(name));
    private static IResult Error(int status, string message) => Results.Json(new ErrorBody(message, status, null), Json, statusCode: status);
}
