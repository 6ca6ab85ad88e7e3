namespace Integrations.Bus.Config;

/// <summary>A field of a configuration kind, as every surface shows it.</summary>
/// <param name="Name">The field's name in the admin API, YAML and the CLI (snake_case).</param>
/// <param name="Type">What it holds: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>list</c>, <c>datetime</c> or <c>object</c>.</param>
/// <param name="Help">What it is for: the record's documentation of it.</param>
/// <param name="Default">Its value when left out, as JSON; null when it has none.</param>
public sealed record ConfigField(string Name, string Type, string Help, string? Default);
