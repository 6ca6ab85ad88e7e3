namespace Integrations.Bus.Config;

/// <summary>A field of a configuration object that is not acceptable, and why.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
