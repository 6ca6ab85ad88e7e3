using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Bus.Security;
using Integrations.Bus.Services;
using Integrations.Config;
using Integrations.Runtime;
using Microsoft.AspNetCore.Http;

namespace Integrations.Adapters.Http;

/// <summary>
/// The OpenAPI 3.1 document of the cluster's REST channels, served as <c>GET /esb/openapi.json</c> on the channel port:
/// each active channel's path and methods, the security its definition asks for, its parameters and its request and
/// answer schemas from the service's declared input and output (System.Text.Json's schema exporter with the services'
/// own options, so snake_case as on the wire), and the error answers every channel can give. Made again when the
/// channels, the security definitions or the services change.
/// </summary>
public sealed partial class RestChannelDocument
{
    /// <summary>The document's path on the channel port.</summary>
    public const string Path = "/esb/openapi.json";

    private static readonly string[] BodyMethods = ["post", "put", "patch"];
    private static readonly JsonSchemaExporterOptions Exporter = new() { TreatNullObliviousAsNonNullable = true };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string Version = typeof(RestChannelDocument).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    private readonly ConfigView _config;
    private readonly ServiceCatalog _catalog;
    private readonly SecurityDefinitions _security;
    private long _services;
    private Made? _made;

    /// <summary>Watches the services, so the document is made again when one is deployed or removed.</summary>
    public RestChannelDocument(ConfigView config, ServiceCatalog catalog, SecurityDefinitions security)
    {
        _config = config;
        _catalog = catalog;
        _security = security;
        catalog.Added += _ => Interlocked.Increment(ref _services);
        catalog.Removed += _ => Interlocked.Increment(ref _services);
    }

    /// <summary>Answers with the document, its server the channel port at <paramref name="server"/> (scheme, host and port).</summary>
    public Task WriteAsync(HttpContext http, string server)
    {
        var json = Json(server);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = json.Length;
        return http.Response.Body.WriteAsync(json, http.RequestAborted).AsTask();
    }

    /// <summary>The document as UTF-8 JSON, made again only when something it shows changed.</summary>
    public byte[] Json(string server)
    {
        var config = _config.Version;
        var services = Interlocked.Read(ref _services);
        if (_made is { } made && made.Config == config && made.Services == services && made.Server == server) return made.Json;
        var json = JsonSerializer.SerializeToUtf8Bytes(Build(server), Indented);
        _made = new Made(config, services, server, json);
        return json;
    }

    /// <summary>The document.</summary>
    public JsonObject Build(string server)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject { ["Error"] = ErrorSchema() };
        var schemes = new JsonObject();
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var channel in _config.All<ChannelRest>().Where(c => c.IsActive).OrderBy(c => c.UrlPath, StringComparer.Ordinal))
        {
            var service = _catalog.TryGet(channel.Service, out var found) ? found : null;
            var input = service is null ? null : SchemaOf(service.InputType, TypeName(service.Name + " input"), schemas);
            var output = service is null ? null : SchemaOf(service.OutputType, TypeName(service.Name + " output"), schemas);
            var required = service?.RequiredInput ?? [];
            var security = SecurityOf(channel, schemes);
            var (path, pathNames) = OpenApiPath(channel.UrlPath);
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            tags.Add(channel.Service);

            var methods = channel.Method is { } method ? [method.ToLowerInvariant()] : new[] { "get", "post" };
            foreach (var verb in methods)
            {
                var operation = new JsonObject
                {
                    ["operationId"] = methods.Length == 1 ? OperationId(channel.Name) : OperationId(channel.Name + " " + verb),
                    ["summary"] = $"{channel.Service}, through channel {channel.Name}",
                    ["description"] = service is null
                        ? $"Invokes the service {channel.Service}, which is not deployed right now: calls are answered 404 until it is."
                        : $"Invokes the service {channel.Service}. The input is the query string, then the body, then the path's parameters, each over the one before.",
                    ["tags"] = new JsonArray(channel.Service),
                };
                var parameters = new JsonArray();
                foreach (var name in pathNames)
                    parameters.Add(Parameter(name, "path", NotNull(PropertyOf(input, schemas, name)) ?? new JsonObject { ["type"] = "string" }, true));
                var hasBody = BodyMethods.Contains(verb);
                if (!hasBody && input is not null)
                    foreach (var (name, schema) in Properties(input, schemas).Where(p => !pathNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
                        parameters.Add(Parameter(name, "query", schema, required.Contains(name)));
                if (parameters.Count > 0) operation["parameters"] = parameters;
                if (hasBody && input is not null && Properties(input, schemas).Any(p => !pathNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
                    operation["requestBody"] = RequestBody(channel, input, schemas, pathNames, required);
                operation["responses"] = Responses(channel, output, security is not null, hasBody);
                if (security is not null) operation["security"] = new JsonArray(new JsonObject { [security] = new JsonArray() });
                item[verb] = operation;
            }
        }

        var components = new JsonObject { ["schemas"] = schemas, ["responses"] = SharedResponses(), ["headers"] = new JsonObject { ["cid"] = CidHeaderDefinition() } };
        if (schemes.Count > 0) components["securitySchemes"] = schemes;
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Integrations: REST channels",
                ["version"] = Version,
                ["description"] = "Every active REST channel of the cluster. Each answer carries its correlation id in the X-Esb-Cid header; every error is the same JSON object.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = server }),
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t })]),
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    // A type's schema as a component, referred to by name; the exporter's references inside it (recursive types) are
    // made to point into the component.
    private static JsonObject? SchemaOf(Type type, string name, JsonObject schemas)
    {
        if (type == typeof(NoInput)) return null;
        if (!schemas.ContainsKey(name))
        {
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(Describing(type), type, Exporter);
            Rebase(schema, $"#/components/schemas/{name}");
            if (schema is JsonObject o)
            {
                if (ServiceInput.Required(type) is { Count: > 0 } required) o["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
                else o.Remove("required");
            }
            schemas[name] = schema;
        }
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    // The services' options, but numbers as numbers: a service also reads "5" as 5 (for key=value input), which a client
    // need not know. Made for each document, so a deployed version's types are not kept once it is gone.
    private static JsonSerializerOptions Describing(Type type)
    {
        var options = new JsonSerializerOptions(ServiceJson.For(type)) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void Rebase(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue r && r.GetValue<string>() is var pointer && pointer.StartsWith('#')) o["$ref"] = root + pointer[1..];
                foreach (var (_, child) in o.ToList()) Rebase(child, root);
                break;
            case JsonArray a:
                foreach (var child in a) Rebase(child, root);
                break;
        }
    }

    private static JsonObject? Resolve(JsonObject? reference, JsonObject schemas) =>
        reference?["$ref"]?.GetValue<string>() is { } pointer ? schemas[pointer[(pointer.LastIndexOf('/') + 1)..]] as JsonObject : reference;

    private static IEnumerable<(string Name, JsonNode Schema)> Properties(JsonObject input, JsonObject schemas) =>
        Resolve(input, schemas)?["properties"] is JsonObject properties
            ? properties.Select(p => (p.Key, p.Value?.DeepClone() ?? new JsonObject()))
            : [];

    private static JsonNode? PropertyOf(JsonObject? input, JsonObject schemas, string name) =>
        input is null ? null : Properties(input, schemas).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Schema;

    // A path's segment is never null: ["string", "null"] → "string".
    private static JsonNode? NotNull(JsonNode? schema)
    {
        if (schema is JsonObject { } o && o["type"] is JsonArray types)
        {
            var left = types.Select(t => t?.GetValue<string>()).Where(t => t is not null and not "null").ToList();
            o["type"] = left.Count == 1 ? left[0] : new JsonArray([.. left.Select(t => (JsonNode?)t)]);
        }
        return schema;
    }

    private static JsonObject Parameter(string name, string where, JsonNode schema, bool required) => new()
    {
        ["name"] = name,
        ["in"] = where,
        ["required"] = required,
        ["schema"] = schema,
    };

    private static JsonObject RequestBody(ChannelRest channel, JsonObject input, JsonObject schemas, IReadOnlyList<string> pathNames,
        IReadOnlyList<string> required)
    {
        // The path's parameters are not asked for again in the body.
        JsonNode schema = input.DeepClone();
        if (pathNames.Count > 0 && Resolve(input, schemas) is { } full)
        {
            var copy = (JsonObject)full.DeepClone();
            if (copy["properties"] is JsonObject properties)
                foreach (var name in pathNames) properties.Remove(properties.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key ?? name);
            copy.Remove("required");
            var left = required.Where(r => !pathNames.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
            if (left.Count > 0) copy["required"] = new JsonArray([.. left.Select(r => (JsonNode)r)]);
            schema = copy;
        }
        var media = channel.DataFormat == "form" ? "application/x-www-form-urlencoded" : "application/json";
        return new JsonObject
        {
            ["required"] = required.Any(r => !pathNames.Contains(r, StringComparer.OrdinalIgnoreCase)),
            ["content"] = new JsonObject { [media] = new JsonObject { ["schema"] = schema } },
        };
    }

    private static JsonObject Responses(ChannelRest channel, JsonObject? output, bool secured, bool hasBody)
    {
        var ok = new JsonObject { ["description"] = "The service's answer.", ["headers"] = CidHeader() };
        if (output is not null) ok["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = output.DeepClone() } };
        var responses = new JsonObject { ["200"] = ok, ["400"] = Shared("bad_input") };
        if (secured)
        {
            responses["401"] = Shared("unauthorized");
            responses["403"] = Shared("forbidden");
        }
        responses["404"] = Shared("not_deployed");
        if (hasBody)
        {
            responses["413"] = Error($"The body is larger than {channel.MaxBodyBytes} bytes.");
            responses["415"] = Error(channel.DataFormat == "form" ? "The body is not form data (application/x-www-form-urlencoded)." : "The body is not JSON.");
        }
        if (channel.RateLimit is not null) responses["429"] = Error($"Too many calls: the channel allows {channel.RateLimit} per caller; Retry-After says when to try again.");
        responses["500"] = Shared("failed");
        responses["502"] = Shared("outgoing_failed");
        responses["503"] = Shared("bus_away");
        responses["504"] = Shared("timeout");
        return responses;
    }

    // The answers every channel can give, once in the components.
    private static JsonObject SharedResponses() => new()
    {
        ["bad_input"] = Error("The input is wrong: the answer names the field and what it must be."),
        ["unauthorized"] = Error("No credentials, or wrong ones; WWW-Authenticate says which."),
        ["forbidden"] = Error("The caller may not call this channel."),
        ["not_deployed"] = Error("The service is not deployed, or the channel was made inactive."),
        ["failed"] = Error("The service failed; the log has the details under the answer's cid."),
        ["outgoing_failed"] = Error("A system the service calls failed or did not answer."),
        ["bus_away"] = Error("The message bus is not reachable right now; Retry-After says when to try again."),
        ["timeout"] = Error("The service did not answer in time."),
    };

    private static JsonObject Shared(string name) => new() { ["$ref"] = $"#/components/responses/{name}" };

    private static JsonObject Error(string description) => new()
    {
        ["description"] = description,
        ["headers"] = CidHeader(),
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
    };

    private static JsonObject CidHeader() => new() { [HttpAnswers.CidHeader] = new JsonObject { ["$ref"] = "#/components/headers/cid" } };

    private static JsonObject CidHeaderDefinition() => new()
    {
        ["description"] = "The call's correlation id, under which the log keeps its lines.",
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject ErrorSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = "string", ["description"] = "What was wrong, and what to do." },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["cid"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
        },
        ["required"] = new JsonArray("error", "status"),
    };

    // The security scheme of the channel's definition, added to the document's schemes; null for none.
    private string? SecurityOf(ChannelRest channel, JsonObject schemes)
    {
        if (channel.Security is not { } name || _security.Find(name) is not { } definition) return null;
        JsonObject? scheme = definition.Type switch
        {
            SecurityDefinition.ApiKey => new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = definition.ApiKeyHeader },
            SecurityDefinition.BasicAuth => new JsonObject { ["type"] = "http", ["scheme"] = "basic" },
            SecurityDefinition.Jwt => new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
            _ => null,
        };
        if (scheme is null) return null;
        var key = SchemeName().Replace(name, "_");
        scheme["description"] = $"Security definition {name}.";
        schemes[key] = scheme;
        return key;
    }

    // /crm/customer/{id:int} → /crm/customer/{id}, and the parameters' names.
    private static (string Path, IReadOnlyList<string> Names) OpenApiPath(string template)
    {
        var names = new List<string>();
        var path = PathParameter().Replace(template, m =>
        {
            names.Add(m.Groups[1].Value);
            return "{" + m.Groups[1].Value + "}";
        });
        return (path, names);
    }

    // A name every client generator makes a method of: "My REST Channel" → myRestChannel.
    private static string OperationId(string name)
    {
        var id = TypeName(name);
        return char.ToLowerInvariant(id[0]) + id[1..];
    }

    // A name every client generator makes a class of: "tutorial.get-user-details input" → TutorialGetUserDetailsInput.
    private static string TypeName(string name)
    {
        var words = Words().Split(name).Where(w => w.Length > 0).ToList();
        var id = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
        return id.Length == 0 || char.IsDigit(id[0]) ? "Channel" + id : id;
    }

    private sealed record Made(long Config, long Services, string Server, byte[] Json);

    [GeneratedRegex(@"\{\**([^}:=?*]+)[^}]*\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex SchemeName();
}
