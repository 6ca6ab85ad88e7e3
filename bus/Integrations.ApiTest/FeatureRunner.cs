using System.Diagnostics;
using System.Text.RegularExpressions;
using Gherkin;
using Gherkin.Ast;

namespace Integrations.ApiTest;

/// <summary>
/// Runs Gherkin features with the <see cref="Vocabulary"/>: Background steps before each scenario, a Scenario Outline
/// once per Examples row, a scenario's steps in order until one fails (the rest are skipped). Progress is written as
/// it happens.
/// </summary>
public sealed class FeatureRunner(HttpClient http, TextWriter output)
{
    /// <summary>The features' files: the given files, and every .feature file under the given folders.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> paths, out IReadOnlyList<string> missing)
    {
        var files = new List<string>();
        var notFound = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path)) files.AddRange(Directory.EnumerateFiles(path, "*.feature", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            else notFound.Add(path);
        }
        missing = notFound;
        return files;
    }

    /// <summary>Runs one feature file.</summary>
    public Task<FeatureResult> RunFileAsync(string path, TagFilter tags, CancellationToken cancellation)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"{path}: cannot be read: {e.Message}");
            return Task.FromResult(new FeatureResult(path, path, [], e.Message));
        }
        ApiTestConfig config;
        try
        {
            config = ApiTestConfig.For(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (FormatException e)
        {
            output.WriteLine(e.Message);
            return Task.FromResult(new FeatureResult(path, path, [], e.Message));
        }
        return RunAsync(path, text, Path.GetDirectoryName(Path.GetFullPath(path))!, config, tags, cancellation);
    }

    /// <summary>Runs a feature given as text.</summary>
    public async Task<FeatureResult> RunAsync(string path, string text, string directory, ApiTestConfig config, TagFilter tags, CancellationToken cancellation)
    {
        GherkinDocument document;
        try
        {
            document = new Parser().Parse(new StringReader(text));
        }
        catch (CompositeParserException e)
        {
            var errors = string.Join(Environment.NewLine, e.Errors.Select(x => $"{path}:{x.Location?.Line}:{x.Location?.Column}: {Clean(x.Message)}"));
            output.WriteLine(errors);
            return new FeatureResult(path, path, [], errors);
        }
        catch (ParserException e)
        {
            var error = $"{path}:{e.Location?.Line}:{e.Location?.Column}: {Clean(e.Message)}";
            output.WriteLine(error);
            return new FeatureResult(path, path, [], error);
        }
        if (document.Feature is not { } feature)
        {
            output.WriteLine($"{path}: no Feature: in the file");
            return new FeatureResult(path, path, [], "no Feature: in the file");
        }

        output.WriteLine($"Feature: {feature.Name}");
        var state = new FeatureState();
        var results = new List<ScenarioResult>();
        var featureTags = feature.Tags.Select(t => t.Name).ToList();
        await RunChildrenAsync(feature.Children, [], featureTags).ConfigureAwait(false);
        output.WriteLine();
        return new FeatureResult(path, feature.Name, results, null);

        async Task RunChildrenAsync(IEnumerable<IHasLocation> children, IReadOnlyList<Step> outerBackground, IReadOnlyList<string> outerTags)
        {
            var background = outerBackground.ToList();
            foreach (var child in children)
            {
                switch (child)
                {
                    case Background b:
                        background.AddRange(b.Steps);
                        break;
                    case Rule rule:
                        await RunChildrenAsync(rule.Children, background, [.. outerTags, .. rule.Tags.Select(t => t.Name)]).ConfigureAwait(false);
                        break;
                    case Scenario scenario:
                        var scenarioTags = outerTags.Concat(scenario.Tags.Select(t => t.Name)).ToList();
                        if (!scenario.Examples.Any())
                        {
                            if (tags.Allows(scenarioTags))
                                results.Add(await RunScenarioAsync(scenario.Name, scenario.Location.Line, [.. background, .. scenario.Steps], new Dictionary<string, string>(), config, directory, state, cancellation).ConfigureAwait(false));
                            continue;
                        }
                        foreach (var examples in scenario.Examples)
                        {
                            if (!tags.Allows([.. scenarioTags, .. examples.Tags.Select(t => t.Name)]) || examples.TableHeader is null) continue;
                            var header = examples.TableHeader.Cells.Select(c => c.Value).ToList();
                            foreach (var row in examples.TableBody)
                            {
                                var values = header.Zip(row.Cells.Select(c => c.Value)).ToDictionary(p => p.First, p => p.Second);
                                var name = Substitute(scenario.Name, values) + " (" + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}")) + ")";
                                results.Add(await RunScenarioAsync(name, row.Location.Line, [.. background, .. scenario.Steps], values, config, directory, state, cancellation).ConfigureAwait(false));
                            }
                        }
                        break;
                }
            }
        }
    }

    private async Task<ScenarioResult> RunScenarioAsync(string name, int line, IReadOnlyList<Step> steps, IReadOnlyDictionary<string, string> values,
        ApiTestConfig config, string directory, FeatureState state, CancellationToken cancellation)
    {
        output.WriteLine($"  Scenario: {name}");
        var clock = Stopwatch.StartNew();
        var context = new ScenarioContext(http, config, directory, state);
        var results = new List<StepResult>();
        var failed = false;
        foreach (var step in steps)
        {
            var keyword = step.Keyword.Trim();
            var text = Substitute(step.Text, values);
            if (step.DocString is { } doc) text = text.TrimEnd() + " \"" + doc.Content + "\"";
            if (failed)
            {
                results.Add(new(keyword, text, step.Location.Line, StepOutcome.Skipped, null, null, null));
                output.WriteLine($"    - {keyword} {text}");
                continue;
            }
            var result = await RunStepAsync(keyword, text, step.Location.Line, context, cancellation).ConfigureAwait(false);
            results.Add(result);
            if (result.Outcome == StepOutcome.Passed)
            {
                output.WriteLine($"    ✓ {keyword} {text}");
                continue;
            }
            failed = true;
            output.WriteLine($"    ✗ {keyword} {text}   (line {step.Location.Line})");
            output.WriteLine($"        {result.Message}");
            if (result.Expected is not null) output.WriteLine($"        expected: {result.Expected}");
            if (result.Actual is not null) output.WriteLine($"        actual:   {result.Actual}");
        }
        context.ResetRequest();
        return new ScenarioResult(name, line, results, clock.Elapsed);
    }

    private static async Task<StepResult> RunStepAsync(string keyword, string text, int line, ScenarioContext context, CancellationToken cancellation)
    {
        foreach (var definition in Vocabulary.Steps)
        {
            var match = definition.Pattern.Match(text.Trim());
            if (!match.Success) continue;
            try
            {
                await definition.Run(context, match, cancellation).ConfigureAwait(false);
                return new(keyword, text, line, StepOutcome.Passed, null, null, null);
            }
            catch (StepFailedException e)
            {
                return new(keyword, text, line, StepOutcome.Failed, e.Message, e.Expected, e.Actual);
            }
        }
        return new(keyword, text, line, StepOutcome.Failed,
            $"unknown step \"{text}\"; the closest known steps: {string.Join(" | ", Vocabulary.Closest(text))}", null, null);
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? text : Regex.Replace(text, "<([^<>]+)>", m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    private static string Clean(string message) => Regex.Replace(message, @"^\(\d+:\d+\): ", "");
}
