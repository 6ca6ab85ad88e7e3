using Integrations.Bus.Edge;
using Integrations.Config;
using Microsoft.AspNetCore.Routing.Template;

namespace Integrations.Bus.Config.Kinds;

/// <summary>REST channels: URL paths on the channel port that invoke services.</summary>
internal sealed class ChannelRestKind : ConfigKind<ChannelRest>
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public ChannelRestKind() : base(40, "REST channels", "/channels/rest",
        "name=\"My REST Channel\" service=tutorial.get-user-details security=\"My API Key\" url_path=/tutorial/api/get-user-details data_format=json")
    {
        ListWith("service", "url_path", "method", "security");
        RefersToService("service", c => c.Service);
        Refers<SecurityDefinition>("security", c => c.Security, refuse: CallerCheck);
    }

    /// <summary>What a channel checks its callers with: apikey, basic_auth or jwt, not oauth.</summary>
    internal static string? CallerCheck(SecurityDefinition d) => d.Type == SecurityDefinition.OAuth
        ? "is an oauth definition, which outgoing connections present; channels check apikey, basic_auth or jwt" : null;

    protected override void Check(ChannelRest c, ConfigRules rules, List<FieldError> errors)
    {
        if (!c.UrlPath.StartsWith('/')) errors.Add(new("url_path", "must start with /"));
        else if (ParseTemplate(c.UrlPath) is { } problem) errors.Add(new("url_path", problem));
        else if (ChannelPaths.Conflict(c.UrlPath, Name, c.Name, rules) is { } taken) errors.Add(new("url_path", taken));
        if (c.Method is not null && !Methods.Contains(c.Method))
            errors.Add(new("method", $"'{c.Method}' is not a method; use one of {string.Join(", ", Methods)}, or leave it out for any"));
        if (c.DataFormat is not ("json" or "form")) errors.Add(new("data_format", $"'{c.DataFormat}' is not supported; use json or form"));
        if (c.TimeoutSeconds is <= 0 or > 86_400) errors.Add(new("timeout_seconds", "must be more than 0 and at most 86400"));
        if (c.RateLimit is not null && !RateLimit.TryParse(c.RateLimit, out _, out var rateError)) errors.Add(new("rate_limit", rateError!));
        if (c.MaxBodyBytes is < 1 or > 100L * 1024 * 1024) errors.Add(new("max_body_bytes", "must be from 1 to 104857600 (100 MiB)"));
        foreach (var origin in c.CorsOrigins)
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.Scheme is "http" or "https" && o.AbsolutePath == "/" && !origin.EndsWith('/')))
                errors.Add(new("cors_origins", $"'{origin}' is not an origin; write scheme://host[:port], e.g. https://app.example.com, or *"));
    }

    private static string? ParseTemplate(string path)
    {
        try
        {
            TemplateParser.Parse(path.TrimStart('/'));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a valid path template: {e.Message.Split('\n')[0].Trim()}";
        }
    }
}
