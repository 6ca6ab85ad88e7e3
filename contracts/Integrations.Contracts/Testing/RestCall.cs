using System.Text.Json;

namespace Integrations.Testing;

/// <summary>A call a service made to an outgoing REST connection in a <see cref="ServiceTestHarness"/>.</summary>
/// <param name="Connection">The connection's name.</param>
/// <param name="Request">What the service asked for.</param>
public sealed record RestCall(string Connection, RestRequest Request)
{
    /// <summary>The HTTP method.</summary>
    public HttpMethod Method => Request.Method;

    /// <summary>The query's fields as text, names as written (the path's placeholders among them).</summary>
    public IReadOnlyDictionary<string, string> Query => Fields(Request.Query);

    /// <summary>The body as it would be sent, as JSON (<c>null</c> for none).</summary>
    public JsonElement Body => JsonSerializer.SerializeToElement(Request.Body);

    private static Dictionary<string, string> Fields(object? query)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (query is null) return fields;
        var json = JsonSerializer.SerializeToElement(query, query.GetType());
        if (json.ValueKind != JsonValueKind.Object) return fields;
        foreach (var field in json.EnumerateObject())
            if (field.Value.ValueKind != JsonValueKind.Null)
                fields[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
        return fields;
    }
}
