using System.Text.Json;
using System.Text.Json.Serialization;

namespace Integrations;

/// <summary>How services read their input and write their output: snake_case, case-insensitive on input.</summary>
public static class ServiceJson
{
    /// <summary>The options for service input and output.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

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
            // Which constructor parameters are required is decided by ServiceInput (nullable = optional),
            // which names every missing field at once.
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
