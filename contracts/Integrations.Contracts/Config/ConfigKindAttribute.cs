namespace Integrations.Config;

/// <summary>Names the kind of a configuration object, as it appears in the admin API and in exported YAML.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConfigKindAttribute(string kind) : Attribute
{
    /// <summary>The kind's name, snake_case.</summary>
    public string Kind { get; } = kind;
}
