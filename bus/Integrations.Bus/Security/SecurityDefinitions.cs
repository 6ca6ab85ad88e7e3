using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Integrations.Bus.Config;
using Integrations.Config;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Integrations.Bus.Security;

/// <summary>
/// Security definitions as the node uses them: secrets decrypted once per version of a definition and kept in
/// memory only, caller checks in constant time, and credentials for outgoing calls.
/// </summary>
public sealed class SecurityDefinitions(ConfigView config, SecretBox box)
{
    private readonly ConditionalWeakTable<SecurityDefinition, Compiled> _compiled = new();
    private static readonly JsonWebTokenHandler Jwt = new();

    /// <summary>The owner string a definition's secret is sealed to.</summary>
    public static string OwnerOf(string name) => "security/" + name;

    /// <summary>The definition named <paramref name="name"/>, if there is one.</summary>
    public SecurityDefinition? Find(string name) => config.Find<SecurityDefinition>(name);

    /// <summary>The decrypted secret of a definition (for outgoing calls); never log it.</summary>
    public string SecretOf(SecurityDefinition definition) => Compile(definition).Secret;

    /// <summary>
    /// The definition to store: with <paramref name="secret"/> sealed when one is given (the same secret keeps its sealed
    /// form, so an unchanged definition stays unchanged), else with the secret <paramref name="existing"/> had, else with
    /// a random one.
    /// </summary>
    public SecurityDefinition WithSecret(SecurityDefinition definition, string? secret, SecurityDefinition? existing) => secret switch
    {
        not null when existing is not null && SecretOf(existing) == secret => definition with { SecretCipher = existing.SecretCipher },
        not null => definition with { SecretCipher = box.Seal(secret, OwnerOf(definition.Name)) },
        null when existing is not null => definition with { SecretCipher = existing.SecretCipher },
        null => definition with { SecretCipher = box.Seal(SecretBox.NewSecret(), OwnerOf(definition.Name)) },
    };

    /// <summary>Checks a caller's headers against the definition.</summary>
    /// <param name="header">Reads a request header by name.</param>
    public async ValueTask<CallerCheck> CheckAsync(SecurityDefinition definition, Func<string, string?> header)
    {
        if (!definition.IsActive)
            return new CallerCheck(403, null, $"access is suspended: security definition '{definition.Name}' is inactive");
        var compiled = Compile(definition);
        switch (definition.Type)
        {
            case SecurityDefinition.ApiKey:
            {
                var given = header(definition.ApiKeyHeader);
                return given is not null && Same(compiled.SecretHash, given)
                    ? CallerCheck.Pass(definition.Name)
                    : CallerCheck.Fail($"a valid API key is required in the {definition.ApiKeyHeader} header");
            }
            case SecurityDefinition.BasicAuth:
            {
                var challenge = $"Basic realm=\"{definition.Realm ?? "esb"}\", charset=\"UTF-8\"";
                if (BasicAuth.TryRead(header("Authorization"), out var user, out var password)
                    && Same(compiled.UserHash, user) & Same(compiled.SecretHash, password))
                    return CallerCheck.Pass(user);
                return CallerCheck.Fail("valid Basic Auth credentials are required", challenge);
            }
            case SecurityDefinition.Jwt:
            {
                var authorization = header("Authorization");
                if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                    return CallerCheck.Fail("a bearer token is required in the Authorization header", "Bearer");
                var result = await Jwt.ValidateTokenAsync(authorization[7..].Trim(), compiled.JwtParameters!).ConfigureAwait(false);
                if (!result.IsValid)
                    return CallerCheck.Fail($"the bearer token is not valid: {Describe(result.Exception)}", "Bearer error=\"invalid_token\"");
                var subject = result.ClaimsIdentity.FindFirst("sub")?.Value ?? result.ClaimsIdentity.FindFirst(ClaimTypes.NameIdentifier)?.Value;
                return CallerCheck.Pass(subject ?? definition.Name);
            }
            default:
                return new CallerCheck(403, null, $"security definition '{definition.Name}' ({definition.Type}) is for outgoing connections, not channels");
        }
    }

    /// <summary>Why a secret cannot be used with a definition, or null when it can.</summary>
    public static string? SecretProblem(SecurityDefinition definition, string secret)
    {
        if (secret.Length == 0) return "the secret must not be empty";
        if (definition.Type != SecurityDefinition.Jwt) return null;
        try
        {
            _ = SigningKey(definition, secret);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return e.Message;
        }
    }

    private Compiled Compile(SecurityDefinition definition) => _compiled.GetValue(definition, d =>
    {
        var secret = d.SecretCipher is null ? "" : box.Open(d.SecretCipher, OwnerOf(d.Name));
        return new Compiled(secret, Hash(secret), Hash(d.Username ?? ""), d.Type == SecurityDefinition.Jwt && SecretProblem(d, secret) is null
            ? new TokenValidationParameters
            {
                IssuerSigningKey = SigningKey(d, secret),
                ValidAlgorithms = [d.Algorithm ?? "HS256"],
                ValidateIssuer = d.Issuer is not null,
                ValidIssuer = d.Issuer,
                ValidateAudience = d.Audience is not null,
                ValidAudience = d.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            }
            : d.Type == SecurityDefinition.Jwt
                ? new TokenValidationParameters { IssuerSigningKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), ValidAlgorithms = ["none-usable"] }
                : null);
    });

    private static SecurityKey SigningKey(SecurityDefinition definition, string secret)
    {
        switch (definition.Algorithm ?? "HS256")
        {
            case "HS256":
                var bytes = Encoding.UTF8.GetBytes(secret);
                if (bytes.Length < 32) throw new ArgumentException("an HS256 key must be at least 32 bytes long");
                return new SymmetricSecurityKey(bytes);
            case "RS256":
                var rsa = RSA.Create();
                try
                {
                    rsa.ImportFromPem(secret);
                }
                catch (ArgumentException)
                {
                    throw new ArgumentException("an RS256 key must be the issuer's RSA public key in PEM (-----BEGIN PUBLIC KEY-----)");
                }
                return new RsaSecurityKey(rsa);
            default:
                throw new ArgumentException($"algorithm '{definition.Algorithm}' is not supported; use HS256 or RS256");
        }
    }

    private static string Describe(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenNoExpirationException => "it has no expiry",
        SecurityTokenMalformedException => "malformed",
        _ => "rejected",
    };

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    // Hashing first makes the comparison constant-time whatever the lengths.
    private static bool Same(byte[] expectedHash, string given) => CryptographicOperations.FixedTimeEquals(expectedHash, Hash(given));

    private sealed record Compiled(string Secret, byte[] SecretHash, byte[] UserHash, TokenValidationParameters? JwtParameters);
}
