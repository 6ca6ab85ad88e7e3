using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Integrations.Admin;
using Integrations.Bus.Config;
using Integrations.Bus.Outgoing;
using Integrations.Bus.Security;
using Integrations.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The admin API for configuration objects: one set of endpoints per kind (list, show, create, update, delete),
/// the same rules whichever kind, plus each kind's own actions (change a secret, ping a connection).
/// </summary>
public static class ConfigEndpoints
{
    /// <summary>snake_case in and out; unknown fields are errors, so a typo never passes silently.</summary>
    internal static readonly JsonSerializerOptions Json = ConfigJson.Options;

    /// <summary>Maps the configuration endpoints onto the admin group.</summary>
    public static void MapConfigEndpoints(this RouteGroupBuilder admin)
    {
        MapKind<SecurityDefinition>(admin, "/security", s => s with { SecretCipher = null }, Seal);
        admin.MapPost("/security/{name}/secret", ChangeSecretAsync);

        MapKind<OutgoingRest>(admin, "/outgoing/rest", o => o, null);
        admin.MapPost("/outgoing/rest/{name}/ping", async (string name, ConfigView view, RestConnections connections, HttpContext http) =>
            view.Find<OutgoingRest>(name) is { } connection
                ? Results.Json(await connections.PingAsync(connection, http.RequestAborted), Json)
                : NotFound("outgoing_rest", name));

        MapKind<ChannelRest>(admin, "/channels/rest", c => c, null);

        MapKind<ConnectionAmqp>(admin, "/connections/amqp", c => c, null);
        MapKind<ChannelAmqp>(admin, "/channels/amqp", c => c, null);
        MapKind<OutgoingAmqp>(admin, "/outgoing/amqp", o => o, null);
        MapKind<ChannelWebSocket>(admin, "/channels/websocket", c => c, null);
        MapKind<PubSubTopic>(admin, "/pubsub/topics", t => t, null);
        MapKind<PubSubSubscription>(admin, "/pubsub/subscriptions", t => t, null);
        admin.MapPost("/pubsub/topics/{name}/publish", async (string name, HttpContext http, Integrations.Bus.PubSub.Topics topics) =>
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
        MapKind<ConnectionMq>(admin, "/connections/mq", c => c, null);
        MapKind<ChannelMq>(admin, "/channels/mq", c => c, null);
        MapKind<OutgoingMq>(admin, "/outgoing/mq", o => o, null);

        MapKind<ScheduledJob>(admin, "/scheduler", j => j, null, SchedulerEndpoints.ReadAfter);
        admin.MapSchedulerEndpoints();
        admin.MapEnvironmentEndpoints();
    }

    /// <summary>
    /// A new security definition gets a random secret (or the <c>secret</c> given with it), sealed with the cluster key.
    /// </summary>
    private static SecurityDefinition Seal(SecurityDefinition definition, string? secret, SecretBox box) =>
        definition with { SecretCipher = box.Seal(secret ?? SecretBox.NewSecret(), SecurityDefinitions.OwnerOf(definition.Name)) };

    /// <param name="admin">The admin group.</param>
    /// <param name="path">The kind's path.</param>
    /// <param name="present">What an object looks like in answers.</param>
    /// <param name="onCreate">What a new object gets besides its fields (a sealed secret).</param>
    /// <param name="prepare">Turns fields that are not stored into ones that are (e.g. a delay into a date); returns the field and problem when it cannot.</param>
    private static void MapKind<T>(RouteGroupBuilder admin, string path, Func<T, T> present, Func<T, string?, SecretBox, T>? onCreate,
        Func<JsonObject, FieldProblem?>? prepare = null)
        where T : class, IConfigObject
    {
        var kind = ConfigKinds.NameOf(typeof(T));
        admin.MapGet(path, (ConfigView view) => Results.Json(view.All<T>().Select(present), Json));
        admin.MapGet(path + "/{name}", (string name, ConfigView view) =>
            view.Find<T>(name) is { } found ? Results.Json(present(found), Json) : NotFound(kind, name));

        admin.MapPost(path, async (HttpContext http, ConfigStore store, SecretBox box) =>
        {
            var body = await ReadObjectAsync(http);
            if (body.Error is not null) return body.Error;
            var secret = onCreate is null ? null : Take(body.Object!, "secret");
            if (secret is { Length: 0 }) return Rejected(400, kind, "secret", "must not be empty");
            if (prepare?.Invoke(body.Object!) is { } wrong) return Rejected(400, kind, wrong.Field, wrong.Message);
            if (!TryBind<T>(body.Object!, kind, out var value, out var error)) return error!;
            if (onCreate is not null) value = onCreate(value, secret, box);
            if (value is SecurityDefinition definition && secret is not null && SecurityDefinitions.SecretProblem(definition, secret) is { } problem)
                return Rejected(400, kind, "secret", problem);
            return await StoreAsync(() => store.CreateAsync(value, http.RequestAborted), present(value), 201);
        });

        admin.MapPut(path + "/{name}", async (string name, HttpContext http, ConfigStore store, ConfigView view, SecretBox box, SecurityDefinitions security) =>
        {
            if (view.Find<T>(name) is not { } existing) return NotFound(kind, name);
            var body = await ReadObjectAsync(http);
            if (body.Error is not null) return body.Error;
            var secret = onCreate is null ? null : Take(body.Object!, "secret");
            if (secret is { Length: 0 }) return Rejected(400, kind, "secret", "must not be empty");
            if (body.Object!.TryGetPropertyValue("name", out var given) && (given is not JsonValue v || !v.TryGetValue<string>(out var n) || n != name))
                return Rejected(400, kind, "name", "cannot be changed; create an object with the new name and delete this one");
            if (body.Object.ContainsKey("secret_cipher")) return Rejected(400, kind, "secret_cipher", "is not a field; change a secret with POST …/secret");
            if (prepare?.Invoke(body.Object) is { } wrong) return Rejected(400, kind, wrong.Field, wrong.Message);
            // Fields left out keep their values: the body is laid over the stored object.
            var merged = JsonSerializer.SerializeToNode(existing, Json)!.AsObject();
            foreach (var (field, value) in body.Object) merged[field] = value?.DeepClone();
            if (!TryBind<T>(merged, kind, out var updated, out var error)) return error!;
            if (updated is SecurityDefinition definition)
            {
                // A new type or algorithm must suit the secret: the one given with the change, else the current one.
                if (secret is not null) updated = onCreate!(updated, secret, box);
                var current = secret ?? security.SecretOf((SecurityDefinition)(object)existing);
                if (SecurityDefinitions.SecretProblem(definition, current) is { } problem)
                    return Rejected(400, kind, "secret", $"{problem}; give the new secret with the change (\"secret\": …)");
            }
            return await StoreAsync(() => store.SaveAsync(updated, http.RequestAborted), present(updated), 200);
        });

        admin.MapDelete(path + "/{name}", async (string name, ConfigStore store, HttpContext http) =>
        {
            try
            {
                return await store.DeleteAsync<T>(name, http.RequestAborted) ? Results.NoContent() : NotFound(kind, name);
            }
            catch (ConfigRejectedException e)
            {
                return Rejected(e);
            }
        });
    }

    private static async Task<IResult> ChangeSecretAsync(string name, HttpContext http, ConfigView view, ConfigStore store, SecretBox box)
    {
        if (view.Find<SecurityDefinition>(name) is not { } definition) return NotFound("security", name);
        var body = await ReadObjectAsync(http);
        if (body.Error is not null) return body.Error;
        if (Take(body.Object!, "secret") is not { } secret) return Rejected(400, "security", "secret", "is required: {\"secret\": \"…\"}");
        if (body.Object!.Count > 0) return Rejected(400, "security", body.Object.First().Key, "unknown field; the body is {\"secret\": \"…\"}");
        if (SecurityDefinitions.SecretProblem(definition, secret) is { } problem) return Rejected(400, "security", "secret", problem);
        var changed = Seal(definition, secret, box);
        return await StoreAsync(() => store.SaveAsync(changed, http.RequestAborted), new { name, secret_changed = true }, 200);
    }

    private static async Task<IResult> StoreAsync(Func<Task> store, object answer, int status)
    {
        try
        {
            await store();
            return Results.Json(answer, Json, statusCode: status);
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

    private static bool TryBind<T>(JsonObject body, string kind, out T value, out IResult? error)
    {
        error = null;
        value = default!;
        if (ConfigJson.TryBind(typeof(T), body, out var bound, out var wrong))
        {
            value = (T)bound;
            return true;
        }
        error = Rejected(400, kind, wrong!.Field, wrong.Message);
        return false;
    }

    private static string? Take(JsonObject body, string field)
    {
        if (!body.Remove(field, out var value)) return null;
        return value is JsonValue v && v.TryGetValue<string>(out var text) ? text : "";
    }

    internal static IResult NotFound(string kind, string name) => Error(404, $"no {kind} named '{name}'");

    internal static IResult Rejected(ConfigRejectedException e) =>
        Results.Json(new ConfigError(e.Message, e.Status, e.Errors.Select(x => new ConfigFieldError(x.Field, x.Message)).ToList()), Json, statusCode: e.Status);

    private static IResult Rejected(int status, string kind, string field, string message) =>
        Results.Json(new ConfigError($"{kind}: {field}: {message}", status, [new ConfigFieldError(field, message)]), Json, statusCode: status);

    internal static IResult Error(int status, string message) => Results.Json(new ErrorBody(message, status, null), Json, statusCode: status);
}

/// <summary>A field of a request body that cannot be taken, and why.</summary>
internal sealed record FieldProblem(string Field, string Message);
