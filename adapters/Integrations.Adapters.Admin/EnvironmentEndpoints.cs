using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Config.Environment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Integrations.Runtime;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The whole environment in one document: <c>GET /admin/environment</c> exports it (no secrets), <c>POST</c> imports
/// one, all or nothing. The document has one key per kind (<c>security</c>, <c>outgoing_rest</c>, <c>channel_rest</c>,
/// <c>scheduler</c>, <c>service_settings</c>) holding a list of objects, and <c>services</c>: source files
/// (<c>{"name", "source"}</c>). <c>esb export</c> and <c>esb import</c> turn it into YAML and back.
/// </summary>
public static class EnvironmentEndpoints
{
    /// <summary>Maps <c>/admin/environment</c>.</summary>
    public static void MapEnvironmentEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/environment", async (HttpContext http, EnvironmentExport export) =>
        {
            var types = http.Request.Query["include_type"].Where(t => t is not null).Select(t => t!).ToList();
            var unknown = types.Where(t => t != "services" && !EnvironmentImport.Order.Contains(t)).ToList();
            if (unknown.Count > 0)
                return ConfigEndpoints.Error(400, $"include_type: unknown kind {string.Join(", ", unknown)}{Suggestions.DidYouMean(unknown[0], EnvironmentImport.Order.Append("services"))}; kinds are {string.Join(", ", EnvironmentImport.Order)}, services");
            var names = http.Request.Query["include_name"].Where(n => n is not null).Select(n => n!).ToList();
            var content = await export.TakeAsync(types, names, http.RequestAborted);
            return Results.Json(content.ToJson(), ConfigEndpoints.Json);
        });

        admin.MapPost("/environment", async (HttpContext http, EnvironmentImport import, bool? dry_run, bool? replace) =>
        {
            JsonObject body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                    ?? throw new JsonException("the body must be a JSON object");
            }
            catch (JsonException e)
            {
                return ConfigEndpoints.Error(400, e.Message.StartsWith("the body", StringComparison.Ordinal) ? e.Message : ServiceInput.Malformed(e));
            }
            var (content, error) = EnvironmentContent.FromJson(body);
            if (error is not null) return ConfigEndpoints.Error(400, error);
            var changes = await import.ApplyAsync(content!, replace ?? false, dry_run ?? false, "admin (import)", http.RequestAborted);
            return Results.Json(new
            {
                dry_run = dry_run ?? false,
                created = changes.Created,
                changed = changes.Changed,
                deleted = changes.Deleted,
                unchanged = changes.Unchanged,
                deployed = changes.Deployed,
                errors = changes.Errors,
            }, ConfigEndpoints.Json, statusCode: changes.Ok ? 200 : 400);
        });
    }
}
