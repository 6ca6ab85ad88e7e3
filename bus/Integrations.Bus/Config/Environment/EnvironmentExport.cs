using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Deployment;

namespace Integrations.Bus.Config.Environment;

/// <summary>
/// The cluster's environment as it stands: every configuration object (fields left at their defaults left out, so
/// the result reads like what a person writes), and the sources of the deployed services. Secrets are never in it.
/// </summary>
public sealed class EnvironmentExport(ConfigKinds kinds, ConfigView view, Deployments deployments)
{
    /// <summary>The environment, or the part of it of the kinds in <paramref name="types"/> and names in <paramref name="names"/> (all when empty).</summary>
    public async Task<EnvironmentContent> TakeAsync(IReadOnlyCollection<string> types, IReadOnlyCollection<string> names, CancellationToken cancellation)
    {
        var objects = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
        foreach (var kind in EnvironmentImport.Order)
        {
            if (types.Count > 0 && !types.Contains(kind)) continue;
            if (!kinds.TryGet(kind, out var k)) continue;
            var defaults = JsonSerializer.SerializeToNode(Activator.CreateInstance(k.Type), k.Type, ConfigJson.Options)!.AsObject();
            var list = view.Everything().Where(e => e.Kind == kind && (names.Count == 0 || names.Contains(e.Value.Name)))
                .OrderBy(e => e.Value.Name, StringComparer.Ordinal)
                .Select(e => Trim(JsonSerializer.SerializeToNode(e.Value, k.Type, ConfigJson.Options)!.AsObject(), defaults))
                .ToList();
            if (list.Count > 0) objects[kind] = list;
        }
        var services = new List<SourceFile>();
        if (types.Count == 0 || types.Contains("services"))
            foreach (var deployment in await deployments.ServingAsync(cancellation).ConfigureAwait(false))
                if (names.Count == 0 || deployment.Services.Any(names.Contains))
                    foreach (var file in deployment.Files)
                        services.Add(services.Any(f => f.Name == file.Name) ? file with { Name = $"v{deployment.Version}/{file.Name}" } : file);
        return new EnvironmentContent(objects, services);
    }

    private static JsonObject Trim(JsonObject value, JsonObject defaults)
    {
        value.Remove("secret_cipher");
        foreach (var (field, given) in value.ToList())
            if (field != "name" && (given is null || (defaults.TryGetPropertyValue(field, out var fallback) && JsonNode.DeepEquals(given, fallback))
                    || given is JsonArray { Count: 0 }))
                value.Remove(field);
        return value;
    }
}
