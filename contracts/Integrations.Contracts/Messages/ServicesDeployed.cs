namespace Integrations.Messages;

/// <summary>Announced after a deployment, a rollback or an undeployment is stored; every node brings itself in line.</summary>
public sealed record ServicesDeployed
{
    /// <summary>The node that deployed it.</summary>
    public string Node { get; init; } = "";
}
