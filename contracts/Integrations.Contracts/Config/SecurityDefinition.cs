namespace Integrations.Config;

/// <summary>
/// A reusable security definition: what a channel demands of its callers, or what an outgoing connection presents.
/// Its secret (the API key, password, JWT key or OAuth client secret) is stored encrypted and never shown.
/// </summary>
[ConfigKind("security")]
public sealed record SecurityDefinition : IConfigObject
{
    /// <summary>API key in a header.</summary>
    public const string ApiKey = "apikey";
    /// <summary>HTTP Basic Auth.</summary>
    public const string BasicAuth = "basic_auth";
    /// <summary>A JWT bearer token, HS256 or RS256.</summary>
    public const string Jwt = "jwt";
    /// <summary>OAuth 2 client credentials, for outgoing connections.</summary>
    public const string OAuth = "oauth";

    /// <summary>All types.</summary>
    public static readonly IReadOnlyList<string> Types = [ApiKey, BasicAuth, Jwt, OAuth];

    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>One of <see cref="Types"/>.</summary>
    public string Type { get; init; } = ApiKey;
    /// <summary>API key: the header that carries the key.</summary>
    public string? Header { get; init; }
    /// <summary>Basic Auth: the user name; OAuth: unused.</summary>
    public string? Username { get; init; }
    /// <summary>Basic Auth: the realm named in the challenge.</summary>
    public string? Realm { get; init; }
    /// <summary>JWT: HS256 (the secret is the shared key) or RS256 (the secret is the issuer's public key, PEM).</summary>
    public string? Algorithm { get; init; }
    /// <summary>JWT: the required issuer, if any.</summary>
    public string? Issuer { get; init; }
    /// <summary>JWT: the required audience, if any.</summary>
    public string? Audience { get; init; }
    /// <summary>OAuth: where tokens come from.</summary>
    public string? TokenUrl { get; init; }
    /// <summary>OAuth: the client id.</summary>
    public string? ClientId { get; init; }
    /// <summary>OAuth: the scopes asked for, space-separated.</summary>
    public string? Scopes { get; init; }
    /// <summary>Whether the definition is in force.</summary>
    public bool IsActive { get; init; } = true;
    /// <summary>The secret, encrypted with the cluster's secret key; null in every answer of the admin API.</summary>
    public string? SecretCipher { get; init; }

    /// <summary>The header an API key travels in.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ApiKeyHeader => string.IsNullOrWhiteSpace(Header) ? "X-API-Key" : Header;
}
