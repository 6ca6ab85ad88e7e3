namespace Integrations.ApiTest;

/// <summary>One step of a run.</summary>
public sealed record StepResult(string Keyword, string Text, int Line, StepOutcome Outcome, string? Message, string? Expected, string? Actual);
