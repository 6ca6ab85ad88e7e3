using System.Text.Json;
using System.Text.Json.Serialization;

namespace Integrations.Runtime;

/// <summary>How services read their input and write their output: snake_case, case-insensitive on input.</summary>
public static class ServiceJson
{
    /// <summary>The options for service input and output.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    // Options keep what they learn about each type; a deployed version gets options of its own, which go when the
    // version is unloaded, instead of pinning its types in the shared options forever.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Reflection.Assembly, JsonSerializerOptions> PerAssembly = new();

    /// <summary>The options for the types of <paramref name="type"/>'s assembly.</summary>
    public static JsonSerializerOptions For(Type type) =>
        type.Assembly.IsCollectible ? PerAssembly.GetValue(type.Assembly, static _ => Create()) : Options;

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = true,
            // Parameters given as key=value lines arrive as strings; let "5" bind to an int.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            RespectNullableAnnotations = true,
            // {"quantity": 1, "quantity": 2} is a mistake to say, not a value to guess.
            AllowDuplicateProperties = false,
            // Which constructor parameters are required is decided by ServiceInput (nullable = optional),
            // which names every missing field at once.
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
