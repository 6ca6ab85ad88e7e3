namespace Integrations.Config;

/// <summary>A configuration object: stored in the config store, identified by its name within its kind.</summary>
public interface IConfigObject
{
    /// <summary>The object's name, unique within its kind.</summary>
    string Name { get; }
}
