using System.Globalization;
using System.Xml.Linq;

namespace Integrations.ApiTest;

/// <summary>A run as JUnit XML, the format CI systems read: a suite per feature, a test case per scenario.</summary>
public static class JUnitReport
{
    /// <summary>The report of <paramref name="features"/>.</summary>
    public static XDocument Of(IReadOnlyList<FeatureResult> features)
    {
        static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var suites = new XElement("testsuites",
            new XAttribute("name", "esb apitest"),
            new XAttribute("tests", features.Sum(f => Math.Max(1, f.Scenarios.Count))),
            new XAttribute("failures", features.Sum(f => f.Error is not null ? 1 : f.Scenarios.Count(s => !s.Passed))),
            new XAttribute("time", Seconds(TimeSpan.FromTicks(features.Sum(f => f.Scenarios.Sum(s => s.Time.Ticks))))));
        foreach (var feature in features)
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", feature.Name),
                new XAttribute("file", feature.Path),
                new XAttribute("tests", Math.Max(1, feature.Scenarios.Count)),
                new XAttribute("failures", feature.Error is not null ? 1 : feature.Scenarios.Count(s => !s.Passed)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", 0),
                new XAttribute("time", Seconds(TimeSpan.FromTicks(feature.Scenarios.Sum(s => s.Time.Ticks)))));
            if (feature.Error is not null)
                suite.Add(new XElement("testcase", new XAttribute("classname", feature.Name), new XAttribute("name", "(the feature file)"), new XAttribute("time", "0.000"),
                    new XElement("failure", new XAttribute("message", "the feature file could not be read"), feature.Error)));
            foreach (var scenario in feature.Scenarios)
            {
                var testcase = new XElement("testcase",
                    new XAttribute("classname", feature.Name), new XAttribute("name", scenario.Name), new XAttribute("time", Seconds(scenario.Time)));
                if (scenario.Steps.FirstOrDefault(s => s.Outcome == StepOutcome.Failed) is { } failed)
                    testcase.Add(new XElement("failure",
                        new XAttribute("message", $"{failed.Keyword} {failed.Text}: {failed.Message}"),
                        $"{feature.Path}:{failed.Line}: {failed.Keyword} {failed.Text}\n{failed.Message}"
                        + (failed.Expected is not null ? $"\nexpected: {failed.Expected}" : "") + (failed.Actual is not null ? $"\nactual:   {failed.Actual}" : "")));
                testcase.Add(new XElement("system-out", string.Join("\n", scenario.Steps.Select(s => $"{s.Outcome.ToString().ToLowerInvariant(),-7} {s.Keyword} {s.Text}"))));
                suite.Add(testcase);
            }
            suites.Add(suite);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }
}
