namespace Integrations.Config;

/// <summary>Operator settings of one service, applied on every node without a restart.</summary>
[ConfigKind("service_settings")]
public sealed record ServiceSettings : IConfigObject
{
    /// <summary>The service's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>How long a caller waits for this service before getting 504; the node's default when null.</summary>
    public double? TimeoutSeconds { get; init; }
}
