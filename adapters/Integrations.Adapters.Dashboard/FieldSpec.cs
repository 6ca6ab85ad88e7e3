namespace Integrations.Adapters.Dashboard;

/// <summary>A field of a configuration object as a screen's form shows it.</summary>
/// <param name="Name">The field, snake_case as in the admin API.</param>
/// <param name="Label">What the form calls it.</param>
/// <param name="Type">text, number, bool or list (comma-separated).</param>
/// <param name="Help">A line under the field.</param>
/// <param name="On">Whether a switch is on before the user touches it.</param>
public sealed record FieldSpec(string Name, string Label, string Type = "text", string? Help = null, bool On = false);
