using System.Text.RegularExpressions;
using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Security definitions: what channels demand of callers, what outgoing connections present. Each keeps a secret.</summary>
internal sealed partial class SecurityKind : ConfigKind<SecurityDefinition>
{
    public SecurityKind() : base(10, "Security definitions", "/security", "name=\"My API Key\" type=apikey", singular: "security definition")
    {
        ListWith("type");
        DescribeAs("DETAILS");
    }

    public override bool HasSecret => true;

    private protected override IReadOnlyList<string> Internal => ["secret_cipher"];

    public override IConfigObject Present(IConfigObject value) => ((SecurityDefinition)value) with { SecretCipher = null };

    protected override string? Describe(SecurityDefinition s) => s.Type switch
    {
        SecurityDefinition.ApiKey => $"header {s.ApiKeyHeader}",
        SecurityDefinition.BasicAuth => $"user {s.Username}",
        SecurityDefinition.Jwt => string.Join(", ", new[] { s.Algorithm ?? "HS256", s.Issuer is null ? null : $"issuer {s.Issuer}", s.Audience is null ? null : $"audience {s.Audience}" }.OfType<string>()),
        SecurityDefinition.OAuth => $"client {s.ClientId} at {s.TokenUrl}",
        _ => null,
    };

    protected override void Check(SecurityDefinition s, ConfigRules rules, List<FieldError> errors)
    {
        switch (s.Type)
        {
            case SecurityDefinition.ApiKey when s.Header is not null && !HeaderName().IsMatch(s.Header):
                errors.Add(new("header", $"'{s.Header}' is not a header name"));
                break;
            case SecurityDefinition.BasicAuth when string.IsNullOrWhiteSpace(s.Username):
                errors.Add(new("username", "is required for basic_auth"));
                break;
            case SecurityDefinition.Jwt when s.Algorithm is not (null or "HS256" or "RS256"):
                errors.Add(new("algorithm", $"'{s.Algorithm}' is not supported; use HS256 or RS256"));
                break;
            case SecurityDefinition.OAuth:
                if (!Uri.TryCreate(s.TokenUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                    errors.Add(new("token_url", "is required for oauth: the token endpoint's http(s) URL"));
                if (string.IsNullOrWhiteSpace(s.ClientId)) errors.Add(new("client_id", "is required for oauth"));
                break;
            case SecurityDefinition.ApiKey or SecurityDefinition.BasicAuth or SecurityDefinition.Jwt:
                break;
            default:
                errors.Add(new("type", $"'{s.Type}' is not a type; use one of {string.Join(", ", SecurityDefinition.Types)}"));
                break;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
