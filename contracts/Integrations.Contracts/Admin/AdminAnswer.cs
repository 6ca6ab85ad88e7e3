using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Admin;

/// <summary>An admin API answer as it came: its status, its body, its cid and how long it took.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Text">The body.</param>
/// <param name="Cid">The answer's cid (<c>X-Esb-Cid</c>), if it has one.</param>
/// <param name="TimeMs">How long the call took.</param>
public sealed record AdminAnswer(int Status, string Text, string? Cid, double TimeMs)
{
    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The error's message, for a failed answer (the body itself when it is not an admin API error).</summary>
    public string? Error => IsSuccess ? null : ErrorBody()?.Error ?? Text;

    /// <summary>Each field a refused configuration change got wrong; empty when the answer names none.</summary>
    public IReadOnlyList<ConfigFieldError> FieldErrors
    {
        get
        {
            if (IsSuccess) return [];
            try
            {
                return JsonSerializer.Deserialize<ConfigError>(Text, AdminApiClient.Json)?.Errors ?? [];
            }
            catch (JsonException)
            {
                return [];
            }
        }
    }

    /// <summary>The body as <typeparamref name="T"/> (one of the DTOs in this namespace).</summary>
    /// <exception cref="AdminApiException">The answer is a failure.</exception>
    public T As<T>() => IsSuccess
        ? JsonSerializer.Deserialize<T>(Text, AdminApiClient.Json) ?? throw new AdminApiException(this, "the admin API answered with an empty body")
        : throw new AdminApiException(this, Error ?? $"status {Status}");

    /// <summary>The body as JSON, for the answers without a DTO (a configuration object, a list of them).</summary>
    public JsonNode? Json() => Text.Length == 0 ? null : JsonNode.Parse(Text);

    /// <summary>The body, indented when it is JSON.</summary>
    public string Pretty
    {
        get
        {
            try
            {
                return JsonNode.Parse(Text)?.ToJsonString(AdminApiClient.Indented) ?? Text;
            }
            catch (JsonException)
            {
                return Text;
            }
        }
    }

    private ErrorBody? ErrorBody()
    {
        try
        {
            return Text.Length > 0 && Text[0] == '{' ? JsonSerializer.Deserialize<ErrorBody>(Text, AdminApiClient.Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
