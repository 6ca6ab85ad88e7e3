using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Integrations.Config;

namespace Integrations.Bus.Config;

/// <summary>
/// How configuration objects read and write as JSON, in the admin API and (through it) in YAML: snake_case fields,
/// unknown fields refused so a typo never passes silently, numbers accepted as strings.
/// </summary>
public static class ConfigJson
{
    /// <summary>The options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
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
            var field = e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : FieldOf(e.Message);
            error = new FieldError(field, Explain(e.Message));
            return false;
        }
    }

    // "The JSON property 'x' could not be mapped to any .NET member …" → the field "x"
    private static string FieldOf(string message)
    {
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : "$";
    }

    private static string Explain(string message) =>
        message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown field"
        : message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type"
        : message.Contains("null", StringComparison.OrdinalIgnoreCase) ? "must not be null"
        : message.Split(" Path:")[0];
}
