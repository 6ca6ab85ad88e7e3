namespace Integrations;

/// <summary>The input of a service that takes none.</summary>
public sealed record NoInput;
