namespace Integrations.Messages;

/// <summary>Announced on the bus after a configuration change is committed; every node reloads that object.</summary>
public sealed record ConfigChanged
{
    /// <summary>The kind of object, e.g. <c>service_settings</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The object's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>True when the object was deleted.</summary>
    public bool Deleted { get; init; }

    /// <summary>The node that made the change.</summary>
    public string Node { get; init; } = "";
}
