using Integrations.Bus.Security;
using Integrations.Config;
using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>
/// The one check of a caller on the channel port, whatever it calls — a REST channel, a WebSocket channel's
/// handshake, a topic's REST publishing: the security definition named (none lets anyone in), the credentials of the
/// request, the same answers (401 with a challenge, 403 when suspended) in the same words.
/// </summary>
public sealed class CallerSecurity(SecurityDefinitions security)
{
    /// <summary>
    /// Checks <paramref name="http"/>'s caller against the definition named <paramref name="definitionName"/>; on a
    /// refusal the challenge header is set. With <paramref name="fromQuery"/>, a browser may give an API key as
    /// <c>?api_key=</c> and a bearer token as <c>?access_token=</c> (it cannot set headers on a WebSocket handshake).
    /// </summary>
    /// <returns>The check: passed with the caller's identity (null without a definition), or the status and why not.</returns>
    public async ValueTask<CallerCheck> CheckAsync(HttpContext http, string? definitionName, bool fromQuery = false)
    {
        if (definitionName is null) return new CallerCheck(200, null, null);
        if (security.Find(definitionName) is not { } definition)
            return new CallerCheck(403, null, $"access is suspended: security definition '{definitionName}' does not exist");
        var request = http.Request;
        var check = await security.CheckAsync(definition, name => Credential(request, definition, name, fromQuery)).ConfigureAwait(false);
        if (check.Passed) return check;
        if (check.Challenge is { } challenge) http.Response.Headers.WWWAuthenticate = challenge;
        var hint = !fromQuery ? "" : definition.Type switch
        {
            SecurityDefinition.ApiKey => " (a browser gives it as ?api_key=…)",
            SecurityDefinition.Jwt => " (a browser gives the token as ?access_token=…)",
            _ => "",
        };
        return check with { Error = (check.Error ?? "refused") + hint };
    }

    private static string? Credential(HttpRequest request, SecurityDefinition definition, string header, bool fromQuery)
    {
        if (request.Headers.TryGetValue(header, out var value)) return value.ToString();
        if (!fromQuery) return null;
        if (definition.Type == SecurityDefinition.ApiKey && request.Query.TryGetValue("api_key", out var key)) return key.ToString();
        if (header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && request.Query.TryGetValue("access_token", out var token)) return "Bearer " + token;
        return null;
    }
}
