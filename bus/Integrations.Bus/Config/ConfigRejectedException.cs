namespace Integrations.Bus.Config;

/// <summary>A configuration object was refused; nothing was changed.</summary>
public sealed class ConfigRejectedException(int status, string kind, string name, IReadOnlyList<FieldError> errors)
    : Exception($"{kind} '{name}': " + string.Join("; ", errors))
{
    /// <summary>400 for invalid fields, 404 when the object does not exist, 409 for a conflict with another object.</summary>
    public int Status { get; } = status;
    /// <summary>What is wrong, field by field.</summary>
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
