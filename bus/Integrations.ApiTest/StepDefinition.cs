using System.Text.RegularExpressions;

namespace Integrations.ApiTest;

/// <summary>One sentence a feature may use, and what it does.</summary>
/// <param name="Phrase">The sentence as the vocabulary lists it, values as "…".</param>
/// <param name="Pattern">What step texts it matches (without the Given/When/Then keyword).</param>
/// <param name="Run">What it does.</param>
public sealed record StepDefinition(string Phrase, Regex Pattern, Func<ScenarioContext, Match, CancellationToken, Task> Run)
{
    /// <summary>Every way the sentence may be written: ours first, then Zato's apitest spellings.</summary>
    public IReadOnlyList<string> Spellings { get; init; } = [Phrase];
}
