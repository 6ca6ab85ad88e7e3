namespace Integrations.Bus.Deployment;

/// <summary>A source file to deploy.</summary>
public sealed record SourceFile(string Name, string Source);
