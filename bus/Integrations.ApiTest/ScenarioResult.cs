namespace Integrations.ApiTest;

/// <summary>One scenario (or one row of a Scenario Outline's examples) of a run.</summary>
public sealed record ScenarioResult(string Name, int Line, IReadOnlyList<StepResult> Steps, TimeSpan Time)
{
    /// <summary>Whether every step passed.</summary>
    public bool Passed => Steps.All(s => s.Outcome == StepOutcome.Passed);
}
