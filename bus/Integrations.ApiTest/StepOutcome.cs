namespace Integrations.ApiTest;

/// <summary>How a step ended.</summary>
public enum StepOutcome
{
    /// <summary>It held.</summary>
    Passed,
    /// <summary>It did not hold, or could not run.</summary>
    Failed,
    /// <summary>Not run: an earlier step of the scenario failed.</summary>
    Skipped,
}
