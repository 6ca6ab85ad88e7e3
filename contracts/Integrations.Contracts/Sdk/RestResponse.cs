using System.Net;
using System.Text.Json;

namespace Integrations;

/// <summary>The answer of another system.</summary>
public sealed class RestResponse
{
    private readonly string _connection;
    private JsonElement? _json;

    /// <summary>Makes a response (the runtime does).</summary>
    public RestResponse(string connection, HttpStatusCode status, IReadOnlyDictionary<string, string> headers, string text)
    {
        _connection = connection;
        Status = status;
        Headers = headers;
        Text = text;
    }

    /// <summary>The status.</summary>
    public HttpStatusCode Status { get; }
    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;
    /// <summary>The response headers (names case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    /// <summary>The body as text.</summary>
    public string Text { get; }

    /// <summary>The body parsed as JSON.</summary>
    /// <exception cref="OutgoingCallException">The body is not JSON (502).</exception>
    public JsonElement Json => _json ??= Parse();

    /// <summary>
    /// A field of a successful JSON answer, as text (a string's value, or a number's or boolean's JSON text).
    /// A failed answer, a body that is not a JSON object, or a missing field fails the call with 502 naming the system.
    /// </summary>
    public string this[string field]
    {
        get
        {
            if (!IsSuccess)
                throw new OutgoingCallException(_connection, $"answered {(int)Status} {Status}");
            var json = Json;
            if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(field, out var value))
                throw new OutgoingCallException(_connection, $"its answer has no field '{field}'");
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }
    }

    /// <summary>
    /// A successful JSON answer read as <typeparamref name="T"/>: its fields matched to the answer's names without
    /// regard to case (<c>UserType</c>, <c>userType</c>); <c>[JsonPropertyName]</c> names any other spelling
    /// (<c>ACC_BALANCE</c>). A failed answer, or one that is not a <typeparamref name="T"/>, fails the call with 502
    /// naming the system.
    /// </summary>
    public T As<T>()
    {
        if (!IsSuccess)
            throw new OutgoingCallException(_connection, $"answered {(int)Status} {Status}");
        try
        {
            return JsonSerializer.Deserialize<T>(Text, Answers) ?? throw new OutgoingCallException(_connection, "its answer is empty (null)");
        }
        catch (JsonException e)
        {
            throw new OutgoingCallException(_connection, $"its answer is not what was expected{(e.Path is { Length: > 1 } path ? $" at {path}" : "")}");
        }
    }

    private static readonly JsonSerializerOptions Answers = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    private JsonElement Parse()
    {
        try
        {
            using var document = JsonDocument.Parse(Text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new OutgoingCallException(_connection, "its answer is not JSON");
        }
    }
}
