namespace Integrations.Bus.Deployment;

/// <summary>An operator's choice for one deployed service: a version to serve (a rollback), or none (undeployed).</summary>
public sealed record ServiceState
{
    /// <summary>The service's name.</summary>
    public string Id { get; init; } = "";
    /// <summary>The deployment version that serves it; 0 when it is undeployed.</summary>
    public long Version { get; init; }
    /// <summary>When the choice was made.</summary>
    public DateTimeOffset ChangedAt { get; init; }
}
