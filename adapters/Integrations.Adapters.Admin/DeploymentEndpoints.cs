using System.Text.Json;
using Integrations.Admin;
using Integrations.Bus.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Integrations.Runtime;

namespace Integrations.Adapters.Admin;

/// <summary>Hot deployment through the admin API: <c>POST /admin/deployments</c> with the sources; <c>GET</c> for the history.</summary>
public static class DeploymentEndpoints
{
    private sealed record DeployBody(IReadOnlyList<SourceFile>? Files);
    private sealed record RollbackBody(long? Version);

    private static async Task<IResult> Answer(Func<Task> change, object answer)
    {
        try
        {
            await change();
            return Results.Json(answer, ConfigEndpoints.Json);
        }
        catch (DeploymentRejectedException e)
        {
            return Results.Json(new ErrorBody(e.Message, 400, null), ConfigEndpoints.Json, statusCode: 400);
        }
    }

    // {"files": [{"name", "source"}]}, each file named and with a source; otherwise the answer that says what is wrong.
    private static async Task<(IReadOnlyList<SourceFile> Files, IResult? Refused)> ReadFilesAsync(HttpContext http, bool requireSome, string incomplete)
    {
        DeployBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DeployBody>(http.Request.Body, ConfigEndpoints.Json, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return ([], Results.Json(new ErrorBody(ServiceInput.Malformed(e), 400, null), ConfigEndpoints.Json, statusCode: 400));
        }
        var files = body?.Files ?? [];
        return (requireSome && files.Count == 0) || files.Any(f => string.IsNullOrWhiteSpace(f.Name) || f.Source is null)
            ? (files, Results.Json(new ErrorBody(incomplete, 400, null), ConfigEndpoints.Json, statusCode: 400))
            : (files, null);
    }

    /// <summary>Maps the deployment endpoints onto the admin group.</summary>
    public static void MapDeploymentEndpoints(this RouteGroupBuilder admin)
    {
        // Compiles without deploying: what an editor shows while its author types.
        admin.MapPost("/deployments/check", async (HttpContext http, Deployments deployments) =>
        {
            var (files, refused) = await ReadFilesAsync(http, requireSome: true, "give one or more files, each with a name and a source");
            if (refused is not null) return refused;
            try
            {
                var (services, _) = await deployments.PlanAsync(files, http.RequestAborted);
                return Results.Json(new { ok = true, services, errors = Array.Empty<string>() }, ConfigEndpoints.Json);
            }
            catch (DeploymentRejectedException e)
            {
                return Results.Json(new { ok = false, services = Array.Empty<string>(), errors = e.Errors, error = e.Message }, ConfigEndpoints.Json);
            }
        });

        admin.MapPost("/deployments", async (HttpContext http, Deployments deployments) =>
        {
            var (files, refused) = await ReadFilesAsync(http, requireSome: false, "each file needs a name and a source");
            if (refused is not null) return refused;
            try
            {
                var deployment = await deployments.DeployAsync(files, AdminCredentials.UserName, http.RequestAborted);
                return Results.Json(new { version = deployment.Version, services = deployment.Services, hash = deployment.Hash }, ConfigEndpoints.Json, statusCode: 201);
            }
            catch (DeploymentRejectedException e)
            {
                return Results.Json(new { error = e.Message, status = 400, errors = e.Errors }, ConfigEndpoints.Json, statusCode: 400);
            }
        });
        admin.MapPost("/services/{name}/rollback", async (string name, HttpContext http, Deployments deployments) =>
        {
            var body = await JsonSerializer.DeserializeAsync<RollbackBody>(http.Request.Body, ConfigEndpoints.Json, http.RequestAborted);
            if (body?.Version is not > 0) return Results.Json(new ErrorBody("the body is {\"version\": N}, a deployment of the service", 400, null), ConfigEndpoints.Json, statusCode: 400);
            return await Answer(() => deployments.RollbackAsync(name, body.Version.Value, http.RequestAborted), new { service = name, version = body.Version });
        });
        admin.MapDelete("/services/{name}", async (string name, HttpContext http, Deployments deployments, Integrations.Bus.Services.ServiceCatalog catalog) =>
        {
            try
            {
                await deployments.UndeployAsync(name, http.RequestAborted);
            }
            catch (DeploymentRejectedException e)
            {
                return Results.Json(new ErrorBody(e.Message, 400, null), ConfigEndpoints.Json, statusCode: 400);
            }
            // A deployed service may have stood in for a built-in one of the same name, which serves again.
            return Results.Json(new { service = name, undeployed = true, now_serving = catalog.TryGet(name, out var remaining) ? remaining.Origin : null }, ConfigEndpoints.Json);
        });
        admin.MapGet("/services/{name}/source", async (string name, HttpContext http, Deployments deployments, Integrations.Bus.Services.ServiceCatalog catalog) =>
            catalog.TryGet(name, out var service) && await deployments.SourceOfAsync(service, http.RequestAborted) is { } files
                ? Results.Json(files, ConfigEndpoints.Json)
                : Results.Json(new ErrorBody($"{name} has no deployed source (built-in or unknown)", 404, null), ConfigEndpoints.Json, statusCode: 404));
        admin.MapGet("/deployments", async (Deployments deployments, HttpContext http) =>
            Results.Json((await deployments.HistoryAsync(http.RequestAborted)).Select(d => new
            {
                version = d.Version,
                services = d.Services,
                files = d.Files.Select(f => f.Name),
                hash = d.Hash,
                deployed_by = d.DeployedBy,
                deployed_at = d.DeployedAt,
            }), ConfigEndpoints.Json));
    }
}
