namespace Integrations.Admin;

/// <summary>A refused configuration change: the message, and each field that is wrong.</summary>
public sealed record ConfigError(string Error, int Status, IReadOnlyList<ConfigFieldError> Errors);
