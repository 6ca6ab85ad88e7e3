namespace Integrations.Admin;

/// <summary>A field that is wrong, and why.</summary>
public sealed record ConfigFieldError(string Field, string Message);
