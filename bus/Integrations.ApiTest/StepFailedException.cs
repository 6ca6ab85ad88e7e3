namespace Integrations.ApiTest;

/// <summary>A step that did not hold: what was expected and what came back.</summary>
public sealed class StepFailedException(string message, string? expected = null, string? actual = null) : Exception(message)
{
    /// <summary>What the step expected, if it compares.</summary>
    public string? Expected { get; } = expected;
    /// <summary>What came back.</summary>
    public string? Actual { get; } = actual;
}
