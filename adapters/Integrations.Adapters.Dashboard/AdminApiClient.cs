using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Adapters.Admin;
using Integrations.Bus.Node;

namespace Integrations.Adapters.Dashboard;

/// <summary>
/// How the dashboard reads and changes things: through the node's own admin API, like the CLI, with the node's
/// internal key instead of the admin password. There is no second path to the data.
/// </summary>
public sealed class AdminApiClient(NodeOptions options, AdminCredentials credentials) : IDisposable
{
    private readonly HttpClient _http = Create(options, credentials);

    /// <summary>An admin API answer.</summary>
    public sealed record Answer(int Status, string Text, string? Cid, double TimeMs)
    {
        /// <summary>Whether the status is 2xx.</summary>
        public bool IsSuccess => Status is >= 200 and < 300;
        /// <summary>The error's message, for a failed answer.</summary>
        public string? Error => IsSuccess ? null : JsonNode.Parse(Text) is JsonObject o && o["error"] is { } e ? e.GetValue<string>() : Text;
        /// <summary>The body, pretty-printed when it is JSON.</summary>
        public string Body
        {
            get
            {
                try
                {
                    return JsonNode.Parse(Text)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? Text;
                }
                catch (JsonException)
                {
                    return Text;
                }
            }
        }
    }

    /// <summary>Sends a request to the admin API.</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return new Answer((int)response.StatusCode, text, response.Headers.TryGetValues("X-Esb-Cid", out var cid) ? cid.FirstOrDefault() : null,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static HttpClient Create(NodeOptions options, AdminCredentials credentials)
    {
        var http = new HttpClient { BaseAddress = new Uri(options.AdminUrl), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add(AdminCredentials.InternalKeyHeader, credentials.InternalKey);
        return http;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
