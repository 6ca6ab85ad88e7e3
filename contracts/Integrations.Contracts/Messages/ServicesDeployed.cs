namespace Integrations.Messages;

/// <summary>Announced after a deployment is stored; every node loads it.</summary>
public sealed record ServicesDeployed
{
    /// <summary>The deployment's version number.</summary>
    public long Version { get; init; }

    /// <summary>The node that deployed it.</summary>
    public string Node { get; init; } = "";
}
