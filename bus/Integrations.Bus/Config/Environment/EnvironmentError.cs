namespace Integrations.Bus.Config.Environment;

/// <summary>Something in an environment that cannot be applied: which object (its kind and place in the list), which field, why.</summary>
/// <param name="Kind">The kind (the YAML section), or <c>services</c>.</param>
/// <param name="Index">The object's place in its section, from 0; -1 for the section as a whole.</param>
/// <param name="Name">The object's name, when it has one.</param>
/// <param name="Field">The field, or null for the object as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record EnvironmentError(string Kind, int Index, string? Name, string? Field, string Message);
