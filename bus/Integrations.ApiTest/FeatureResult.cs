namespace Integrations.ApiTest;

/// <summary>One feature file of a run; <see cref="Error"/> when the file could not be read as Gherkin.</summary>
public sealed record FeatureResult(string Path, string Name, IReadOnlyList<ScenarioResult> Scenarios, string? Error);
