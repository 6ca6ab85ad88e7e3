namespace Integrations.Bus.Config.Environment;

/// <summary>What importing an environment did, or would do.</summary>
public sealed record EnvironmentChanges(
    IReadOnlyList<string> Created, IReadOnlyList<string> Changed, IReadOnlyList<string> Deleted, int Unchanged,
    IReadOnlyList<string> Deployed, IReadOnlyList<EnvironmentError> Errors)
{
    /// <summary>Whether the environment is acceptable.</summary>
    public bool Ok => Errors.Count == 0;
}
