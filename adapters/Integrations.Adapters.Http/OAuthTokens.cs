using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Integrations.Bus.Security;
using Integrations.Config;
using Serilog;

namespace Integrations.Adapters.Http;

/// <summary>
/// OAuth 2 client-credentials tokens, one per security definition, shared by every call on the node: fetched on
/// first use, reused, refreshed before they expire, dropped when a system answers 401.
/// </summary>
public sealed class OAuthTokens(SecurityDefinitions security, HttpPool pool, ILogger log)
{
    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(pool.Verified, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(15) };
    private readonly ILogger _log = log.ForContext("SourceContext", "oauth");

    /// <summary>How many tokens were fetched, per definition (for operators and tests).</summary>
    public int FetchCount(string definition) => _tokens.TryGetValue(definition, out var entry) ? entry.Fetches : 0;

    /// <summary>A valid token for <paramref name="definition"/>, fetched only when none is cached or it is about to expire.</summary>
    public async Task<string> GetAsync(SecurityDefinition definition, CancellationToken cancellation)
    {
        if (Usable(definition, out var token)) return token;
        var gate = _locks.GetOrAdd(definition.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (Usable(definition, out token)) return token;
            return await FetchAsync(definition, cancellation).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (a system refused it); the next call fetches a new one.</summary>
    public void Drop(SecurityDefinition definition, string token)
    {
        if (_tokens.TryGetValue(definition.Name, out var entry) && entry.Token == token)
            _tokens[definition.Name] = entry with { RefreshAt = DateTimeOffset.MinValue };
    }

    private bool Usable(SecurityDefinition definition, out string token)
    {
        token = "";
        if (!_tokens.TryGetValue(definition.Name, out var entry) || !ReferenceEquals(entry.Definition, definition)) return false;
        if (DateTimeOffset.UtcNow >= entry.RefreshAt) return false;
        token = entry.Token;
        return true;
    }

    private async Task<string> FetchAsync(SecurityDefinition definition, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(definition.TokenUrl))
            throw new OutgoingCallException(definition.Name, "the OAuth definition has no token_url");
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = definition.ClientId ?? "",
            ["client_secret"] = security.SecretOf(definition),
        };
        if (!string.IsNullOrWhiteSpace(definition.Scopes)) form["scope"] = definition.Scopes;

        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(definition.TokenUrl, new FormUrlEncodedContent(form), cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OutgoingCallException(definition.Name, $"cannot get an OAuth token from {definition.TokenUrl}: {HttpFailure.Describe(e)}");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new OutgoingCallException(definition.Name, $"the token endpoint {definition.TokenUrl} did not answer within 15 s");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new OutgoingCallException(definition.Name, $"the token endpoint refused the client: {(int)response.StatusCode} {response.ReasonPhrase}");
            TokenAnswer? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(cancellation).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                answer = null;
            }
            if (answer?.AccessToken is not { Length: > 0 } token)
                throw new OutgoingCallException(definition.Name, "the token endpoint's answer has no access_token");

            var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn is > 0 ? answer.ExpiresIn.Value : 3600);
            // Refresh ahead of expiry: a tenth of the lifetime early, at least 5 s, so no call carries a token that dies on the way.
            var margin = TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 10, Math.Min(TimeSpan.FromSeconds(5).Ticks, lifetime.Ticks / 2)));
            var fetches = _tokens.TryGetValue(definition.Name, out var old) ? old.Fetches + 1 : 1;
            _tokens[definition.Name] = new Entry(definition, token, DateTimeOffset.UtcNow + lifetime - margin, fetches);
            _log.Information("OAuth token for {Definition} fetched; valid for {Seconds} s", definition.Name, (int)lifetime.TotalSeconds);
            return token;
        }
    }

    private sealed record Entry(SecurityDefinition Definition, string Token, DateTimeOffset RefreshAt, int Fetches);

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
