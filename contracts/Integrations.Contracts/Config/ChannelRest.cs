namespace Integrations.Config;

/// <summary>A REST channel: a URL path on the channel port that invokes a service.</summary>
[ConfigKind("channel_rest")]
public sealed record ChannelRest : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The service each call invokes.</summary>
    public string Service { get; init; } = "";
    /// <summary>The path, unique in the cluster, with optional <c>{param}</c> segments: <c>/crm/customer/{id}</c>.</summary>
    public string UrlPath { get; init; } = "";
    /// <summary>The one method accepted (others get 405), or null for any.</summary>
    public string? Method { get; init; }
    /// <summary>The request body's format: json or form.</summary>
    public string DataFormat { get; init; } = "json";
    /// <summary>The security definition callers must satisfy, or null for none.</summary>
    public string? Security { get; init; }
    /// <summary>Seconds a caller waits; null means the service's own timeout.</summary>
    public double? TimeoutSeconds { get; init; }
    /// <summary>Calls allowed per caller, e.g. <c>100/m</c> (per s, m, h or d); null for no limit.</summary>
    public string? RateLimit { get; init; }
    /// <summary>The largest request body accepted, in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;
    /// <summary>Origins a browser may call from (<c>https://app.example.com</c>, or <c>*</c>); empty for none.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
    /// <summary>Whether the channel takes calls.</summary>
    public bool IsActive { get; init; } = true;
}
