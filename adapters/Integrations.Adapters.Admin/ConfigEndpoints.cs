using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Admin;
using Integrations.Bus.Config;
using Integrations.Adapters.Http;
using Integrations.Bus.Security;
using Integrations.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Integrations.Runtime;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The admin API for configuration objects: for every kind (<see cref="ConfigKinds"/>), the same endpoints at its
/// path — list, show, create, update, delete — and the same rules; <c>GET /admin/kinds</c> describes the kinds; and
/// each kind's own actions (change a secret, ping a connection, publish to a topic).
/// </summary>
public static class ConfigEndpoints
{
    /// <summary>snake_case in and out; unknown fields are errors, so a typo never passes silently.</summary>
    internal static readonly JsonSerializerOptions Json = ConfigJson.Options;

    /// <summary>Maps the configuration endpoints onto the admin group.</summary>
    public static void MapConfigEndpoints(this RouteGroupBuilder admin)
    {
        var kinds = ConfigKinds.Product();
        admin.MapGet("/kinds", () => Results.Json(kinds.All.Select(Describe), Json));
        foreach (var kind in kinds.All) MapKind(admin, kind);

        admin.MapPost("/security/{name}/secret", ChangeSecretAsync);
        admin.MapPost("/outgoing/rest/{name}/ping", async (string name, ConfigView view, RestConnections connections, HttpContext http) =>
            view.Find<OutgoingRest>(name) is { } connection
                ? Results.Json(await connections.PingAsync(connection, http.RequestAborted), Json)
                : NotFound(kinds.Of(typeof(OutgoingRest)), name, view));
        admin.MapPost("/pubsub/topics/{name}/publish", async (string name, HttpContext http, Integrations.Bus.Services.ITopicPublisher topics) =>
        {
            string body;
            using (var reader = new StreamReader(http.Request.Body)) body = await reader.ReadToEndAsync(http.RequestAborted);
            try
            {
                using var _ = JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                return Error(400, ServiceInput.Malformed(e));
            }
            var cid = Integrations.Bus.Node.Cid.New();
            try
            {
                await topics.PublishAsync(name, body, cid, http.RequestAborted);
            }
            catch (ServiceException e)
            {
                return Error(e.Status, e.Message);
            }
            return Results.Json(new { topic = name, cid }, Json, statusCode: 202);
        });
        admin.MapSchedulerEndpoints();
        admin.MapFailedEndpoints();
        admin.MapEnvironmentEndpoints();
    }

    private static KindInfo Describe(ConfigKind kind) => new(kind.Name, kind.Title, kind.Singular, "/admin" + kind.AdminPath, kind.Order,
        [.. kind.Fields.Select(f => new KindFieldInfo(f.Name, f.Type, f.Help, f.Default))],
        [.. kind.References.Select(r => new KindReferenceInfo(r.Field, r.Target))], kind.Columns, kind.HasSecret, kind.Example);

    private static void MapKind(RouteGroupBuilder admin, ConfigKind kind)
    {
        var path = kind.AdminPath;
        admin.MapGet(path, (ConfigView view) => Results.Json(new JsonArray([.. view.All(kind.Name).Select(o => Answer(kind, o))]), Json));
        admin.MapGet(path + "/{name}", (string name, ConfigView view) =>
            view.Find(kind.Name, name) is { } found ? Results.Json(Answer(kind, found), Json) : NotFound(kind, name, view));

        admin.MapPost(path, async (HttpContext http, ConfigStore store, ConfigView view, SecretBox box, SecurityDefinitions security) =>
        {
            var body = await ReadObjectAsync(http);
            if (body.Error is not null) return body.Error;
            var secret = kind.HasSecret ? Take(body.Object!, "secret") : null;
            if (secret is { Length: 0 }) return Rejected(400, kind.Name, "secret", "must not be empty");
            if (Refused(kind, body.Object!) is { } refused) return refused;
            if (!TryBind(kind, body.Object!, out var value, out var error)) return error!;
            if (value is SecurityDefinition definition)
            {
                if (secret is not null && SecurityDefinitions.SecretProblem(definition, secret) is { } problem) return Rejected(400, kind.Name, "secret", problem);
                value = security.WithSecret(definition, secret, existing: null);
            }
            return await StoreAsync(() => store.CreateAsync(value, http.RequestAborted), kind, value, 201);
        });

        admin.MapPut(path + "/{name}", async (string name, HttpContext http, ConfigStore store, ConfigView view, SecretBox box, SecurityDefinitions security) =>
        {
            if (view.Find(kind.Name, name) is not { } existing) return NotFound(kind, name, view);
            var body = await ReadObjectAsync(http);
            if (body.Error is not null) return body.Error;
            var secret = kind.HasSecret ? Take(body.Object!, "secret") : null;
            if (secret is { Length: 0 }) return Rejected(400, kind.Name, "secret", "must not be empty");
            if (body.Object!.TryGetPropertyValue("name", out var given) && (given is not JsonValue v || !v.TryGetValue<string>(out var n) || n != name))
                return Rejected(400, kind.Name, "name", "cannot be changed; create an object with the new name and delete this one");
            if (Refused(kind, body.Object) is { } refused) return refused;
            // Fields left out keep their values: the body is laid over the stored object.
            var merged = JsonSerializer.SerializeToNode(existing, kind.Type, Json)!.AsObject();
            foreach (var (field, value) in body.Object) merged[field] = value?.DeepClone();
            merged.Remove("secret_cipher");
            if (!TryBind(kind, merged, out var updated, out var error)) return error!;
            if (updated is SecurityDefinition definition)
            {
                // A new type or algorithm must suit the secret: the one given with the change, else the current one.
                var current = secret ?? security.SecretOf((SecurityDefinition)existing);
                if (SecurityDefinitions.SecretProblem(definition, current) is { } problem)
                    return Rejected(400, kind.Name, "secret", $"{problem}; give the new secret with the change (\"secret\": …)");
                updated = security.WithSecret(definition, secret, (SecurityDefinition)existing);
            }
            return await StoreAsync(() => store.SaveAsync(updated, http.RequestAborted), kind, updated, 200);
        });

        admin.MapDelete(path + "/{name}", async (string name, ConfigStore store, ConfigView view, HttpContext http) =>
        {
            try
            {
                return await store.DeleteAsync(kind.Name, name, http.RequestAborted) ? Results.NoContent() : NotFound(kind, name, view);
            }
            catch (ConfigRejectedException e)
            {
                return Rejected(e);
            }
        });
    }

    // What no kind takes as a field, and what the kind turns into fields (a delay into a start date).
    private static IResult? Refused(ConfigKind kind, JsonObject body)
    {
        if (body.ContainsKey("secret_cipher"))
            return Rejected(400, kind.Name, "secret_cipher", "is not a field; change a secret with POST …/secret");
        return kind.Prepare(body) is { } wrong ? Rejected(400, kind.Name, wrong.Field, wrong.Message) : null;
    }

    private static async Task<IResult> ChangeSecretAsync(string name, HttpContext http, ConfigView view, ConfigStore store, SecretBox box)
    {
        if (view.Find<SecurityDefinition>(name) is not { } definition) return NotFound(ConfigKinds.Product().Of(typeof(SecurityDefinition)), name, view);
        var body = await ReadObjectAsync(http);
        if (body.Error is not null) return body.Error;
        if (Take(body.Object!, "secret") is not { } secret) return Rejected(400, "security", "secret", "is required: {\"secret\": \"…\"}");
        if (body.Object!.Count > 0) return Rejected(400, "security", body.Object.First().Key, "unknown field; the body is {\"secret\": \"…\"}");
        if (SecurityDefinitions.SecretProblem(definition, secret) is { } problem) return Rejected(400, "security", "secret", problem);
        var changed = definition with { SecretCipher = box.Seal(secret, SecurityDefinitions.OwnerOf(definition.Name)) };
        try
        {
            await store.SaveAsync(changed, http.RequestAborted);
            return Results.Json(new { name, secret_changed = true }, Json);
        }
        catch (ConfigRejectedException e)
        {
            return Rejected(e);
        }
    }

    private static async Task<IResult> StoreAsync(Func<Task> store, ConfigKind kind, IConfigObject value, int status)
    {
        try
        {
            await store();
            return Results.Json(Answer(kind, value), Json, statusCode: status);
        }
        catch (ConfigRejectedException e)
        {
            return Rejected(e);
        }
    }

    internal static async Task<(JsonObject? Object, IResult? Error)> ReadObjectAsync(HttpContext http)
    {
        try
        {
            var node = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            return node is JsonObject o ? (o, null) : (null, Error(400, "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, Error(400, ServiceInput.Malformed(e)));
        }
    }

    private static bool TryBind(ConfigKind kind, JsonObject body, out IConfigObject value, out IResult? error)
    {
        error = null;
        if (ConfigJson.TryBind(kind.Type, body, out value, out var wrong)) return true;
        error = Rejected(400, kind.Name, wrong!.Field, wrong.Message);
        return false;
    }

    private static string? Take(JsonObject body, string field)
    {
        if (!body.Remove(field, out var value)) return null;
        return value is JsonValue v && v.TryGetValue<string>(out var text) ? text : "";
    }

    /// <summary>An object as answers show it: its fields, as JSON, without what stays inside.</summary>
    internal static JsonNode Answer(ConfigKind kind, IConfigObject value) => JsonSerializer.SerializeToNode(kind.Present(value), kind.Type, Json)!;

    internal static IResult NotFound(ConfigKind kind, string name, ConfigView view) =>
        Error(404, $"no {kind.Singular} named '{name}'" + Suggestions.DidYouMean(name, view.All(kind.Name).Select(o => o.Name)));

    internal static IResult Rejected(ConfigRejectedException e) =>
        Results.Json(new ConfigError(e.Message, e.Status, e.Errors.Select(x => new ConfigFieldError(x.Field, x.Message)).ToList()), Json, statusCode: e.Status);

    private static IResult Rejected(int status, string kind, string field, string message) =>
        Results.Json(new ConfigError($"{kind}: {field}: {message}", status, [new ConfigFieldError(field, message)]), Json, statusCode: status);

    internal static IResult Error(int status, string message) => Results.Json(new ErrorBody(message, status, null), Json, statusCode: status);
}
