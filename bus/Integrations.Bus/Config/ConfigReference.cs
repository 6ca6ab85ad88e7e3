using Integrations.Config;

namespace Integrations.Bus.Config;

/// <summary>
/// A field of one kind that names an object of another kind (or a service): what makes it valid ("no security
/// definition named …"), what may not be deleted while it is used ("in use by …"), and in which order an environment
/// is applied.
/// </summary>
public sealed class ConfigReference
{
    internal ConfigReference(ConfigKind from, string field, string target, Func<IConfigObject, string?> value, Func<IConfigObject, bool> when,
        bool required, Func<IConfigObject, string?>? refuse)
    {
        From = from;
        Field = field;
        Target = target;
        Value = value;
        When = when;
        Required = required;
        Refuse = refuse;
    }

    /// <summary>The kind holding the field.</summary>
    public ConfigKind From { get; }

    /// <summary>The field.</summary>
    public string Field { get; }

    /// <summary>The kind named (or <see cref="Service"/>).</summary>
    public string Target { get; }

    /// <summary>What <see cref="Target"/> is for a reference to a service rather than to a configuration object.</summary>
    public const string Service = "service";

    internal Func<IConfigObject, string?> Value { get; }

    /// <summary>Whether the field is a reference for this object at all (a subscription's outgoing is an outgoing_amqp or an outgoing_rest, by its deliver_to).</summary>
    internal Func<IConfigObject, bool> When { get; }

    internal bool Required { get; }

    /// <summary>Why the object named cannot serve here (an oauth definition on a channel), or null when it can.</summary>
    internal Func<IConfigObject, string?>? Refuse { get; }

    /// <summary>The name <paramref name="value"/> holds in this field, when the field refers to something for it.</summary>
    internal string? NameIn(IConfigObject value) => When(value) && Value(value) is { Length: > 0 } name ? name : null;
}
