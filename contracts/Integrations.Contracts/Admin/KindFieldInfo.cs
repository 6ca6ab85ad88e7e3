namespace Integrations.Admin;

/// <summary>A field of a kind.</summary>
/// <param name="Name">snake_case, as in the admin API and YAML.</param>
/// <param name="Type"><c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>list</c>, <c>datetime</c> or <c>object</c>.</param>
/// <param name="Help">What it is for.</param>
/// <param name="Default">Its value when left out, as JSON; null when it has none.</param>
public sealed record KindFieldInfo(string Name, string Type, string Help, string? Default);
