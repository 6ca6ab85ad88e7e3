namespace Integrations.Bus.Deployment;

/// <summary>One deployment: the sources, who and when, and the services it brought.</summary>
public sealed record ServiceDeployment
{
    /// <summary>The version, zero-padded, as the document's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The version number, growing with every deployment in the cluster.</summary>
    public long Version { get; init; }
    /// <summary>The source files.</summary>
    public IReadOnlyList<SourceFile> Files { get; init; } = [];
    /// <summary>SHA-256 of the sources.</summary>
    public string Hash { get; init; } = "";
    /// <summary>Who deployed it.</summary>
    public string DeployedBy { get; init; } = "";
    /// <summary>When.</summary>
    public DateTimeOffset DeployedAt { get; init; }
    /// <summary>The services it contains.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];
}
