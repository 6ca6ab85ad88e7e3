using System.Text.Json.Nodes;
using Integrations.Bus.Deployment;

namespace Integrations.Bus.Config.Environment;

/// <summary>A whole environment, or part of one, as the admin API exchanges it: objects by kind, and service sources.</summary>
/// <param name="Objects">Each kind's objects, as JSON objects with snake_case fields; a security definition may carry its <c>secret</c>.</param>
/// <param name="Services">Service source files, deployed together.</param>
public sealed record EnvironmentContent(IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> Objects, IReadOnlyList<SourceFile> Services)
{
    /// <summary>As the admin API sends it: a key per kind holding its objects, and <c>services</c>: <c>[{"name", "source"}]</c>.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (kind, objects) in Objects) json[kind] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]);
        if (Services.Count > 0)
            json["services"] = new JsonArray([.. Services.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["source"] = f.Source })]);
        return json;
    }

    /// <summary>Reads what <see cref="ToJson"/> writes; the error says what is wrong with the shape.</summary>
    public static (EnvironmentContent? Content, string? Error) FromJson(JsonObject json)
    {
        var objects = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
        var services = new List<SourceFile>();
        foreach (var (key, value) in json)
        {
            if (value is not JsonArray list) return (null, $"{key}: must be a list");
            if (key == "services")
            {
                foreach (var item in list)
                {
                    if (item is not JsonObject file || file["name"] is not JsonValue n || !n.TryGetValue<string>(out var name)
                        || file["source"] is not JsonValue s || !s.TryGetValue<string>(out var source))
                        return (null, "services: each item is {\"name\": \"File.cs\", \"source\": \"…\"}");
                    services.Add(new SourceFile(name, source));
                }
                continue;
            }
            if (list.Any(i => i is not JsonObject)) return (null, $"{key}: each item must be an object");
            objects[key] = [.. list.Select(i => (JsonObject)i!)];
        }
        return (new EnvironmentContent(objects, services), null);
    }
}
