using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Integrations.Config;
using Integrations.Runtime;

namespace Integrations.Bus.Config;

/// <summary>
/// How configuration objects read and write as JSON, in the admin API and (through it) in YAML: snake_case fields,
/// unknown fields refused so a typo never passes silently, numbers accepted as strings.
/// </summary>
public static class ConfigJson
{
    /// <summary>The options.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            // The CLI sends key=value fields as text: "5" binds to a number.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            // Answers are read by people too: 'quotes' and <paths> stay as they are.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        // The kinds read their fields from these options' metadata before anything is serialized.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads <paramref name="body"/> as a <paramref name="type"/>; on failure, the field that is wrong and why.</summary>
    public static bool TryBind(Type type, JsonObject body, out IConfigObject value, out FieldError? error)
    {
        error = null;
        value = null!;
        try
        {
            value = (IConfigObject)body.Deserialize(type, Options)!;
            return true;
        }
        catch (JsonException e)
        {
            using var document = JsonDocument.Parse(body.ToJsonString());
            var (field, message) = JsonProblems.Describe(e, document.RootElement, type, Options);
            error = new FieldError(field, message);
            return false;
        }
    }
}
