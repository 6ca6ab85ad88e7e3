namespace Integrations.Bus.Deployment;

/// <summary>A deployment was refused; nothing changed.</summary>
public sealed class DeploymentRejectedException(string message, IReadOnlyList<string> errors) : Exception(message)
{
    /// <summary>Each problem, e.g. <c>hello.cs:3:5: error CS1002: ; expected</c>.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
