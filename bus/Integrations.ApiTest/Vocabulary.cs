using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Integrations.ApiTest;

/// <summary>One sentence a feature may use, and what it does.</summary>
/// <param name="Phrase">The sentence as the vocabulary lists it, values as "…".</param>
/// <param name="Pattern">What step texts it matches (without the Given/When/Then keyword).</param>
/// <param name="Run">What it does.</param>
public sealed record StepDefinition(string Phrase, Regex Pattern, Func<ScenarioContext, Match, CancellationToken, Task> Run);

/// <summary>
/// The sentences API tests are written in: building a request, invoking it, checking the response. The keywords
/// (Given, When, Then, And, But) are interchangeable; values in quotes may be <c>$ENV</c>, <c>@config NAME</c> or
/// <c>#stored</c>. Paths are JSON Pointers.
/// </summary>
public static class Vocabulary
{
    // A quoted value; \" inside it stands for a quote, \\ for a backslash.
    private const string Q = "\"(?<v>(?:[^\"\\\\]|\\\\.)*)\"";

    /// <summary>Every sentence, in the order the README lists them.</summary>
    public static IReadOnlyList<StepDefinition> Steps { get; } = Build();

    private static List<StepDefinition> Build()
    {
        var steps = new List<StepDefinition>();
        void Add(string phrase, string pattern, Func<ScenarioContext, Match, CancellationToken, Task> run) =>
            steps.Add(new(phrase, new Regex("^" + pattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), run));
        void Sync(string phrase, string pattern, Action<ScenarioContext, Match> run) =>
            Add(phrase, pattern, (c, m, _) => { run(c, m); return Task.CompletedTask; });
        string V(ScenarioContext c, Match m, string group = "v") => c.Resolve(Unescape(m.Groups[group].Value));

        // The request.
        Sync("address \"…\"", $"address {Q}", (c, m) => c.Address = V(c, m));
        Sync("URL path \"…\"", $"URL path {Q}", (c, m) => c.Path = V(c, m));
        Sync("REST method \"…\" (or HTTP method \"…\")", $"(?:REST|HTTP) method {Q}", (c, m) => c.Method = V(c, m).ToUpperInvariant());
        Sync("format \"JSON|FORM\"", $"format {Q}", (c, m) => c.Format = V(c, m).ToLowerInvariant() switch
        {
            "json" => "json",
            "form" => "form",
            var other => throw new StepFailedException($"format \"{other}\": use JSON or FORM"),
        });
        Sync("header \"…\" \"…\"", "header \"(?<h>[^\"]*)\" \"(?<v>[^\"]*)\"", (c, m) => c.Headers.Add((V(c, m, "h"), V(c, m))));
        Sync("user agent is \"…\"", $"user agent is {Q}", (c, m) => c.Headers.Add(("User-Agent", V(c, m))));
        Sync("query string \"…\"", $"query string {Q}", (c, m) => c.Query = V(c, m));
        Sync("Basic Auth \"…\" \"…\"", "Basic Auth \"(?<u>[^\"]*)\" \"(?<p>[^\"]*)\"", (c, m) => c.Headers.Add(("Authorization",
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(V(c, m, "u") + ":" + V(c, m, "p"))))));
        Add("request \"FILE\"", $"request {Q}", async (c, m, ct) =>
        {
            var path = Path.Combine(c.FeatureDirectory, V(c, m));
            if (!File.Exists(path)) throw new StepFailedException($"request \"{m.Groups["v"].Value}\": no such file ({path})");
            c.RawBody = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        });
        Sync("request is \"…\"", $"request is {Q}", (c, m) => c.RawBody = V(c, m));
        InRequest("is \"…\"", $"is {Q}", (c, m) => JsonValue.Create(V(c, m)));
        InRequest("is an integer \"…\"", $"is an integer {Q}", (c, m) =>
            long.TryParse(V(c, m), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : throw new StepFailedException($"\"{V(c, m)}\" is not an integer"));
        InRequest("is a float \"…\"", $"is a float {Q}", (c, m) =>
            double.TryParse(V(c, m), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : throw new StepFailedException($"\"{V(c, m)}\" is not a number"));
        InRequest("is a list \"a, b\"", $"is a list {Q}", (c, m) => new JsonArray([.. List(V(c, m)).Select(i => (JsonNode?)JsonValue.Create(i))]));
        InRequest("is a random string", "is a random string", (_, _) => JsonValue.Create("esb-" + Guid.NewGuid().ToString("N")[..12]));
        InRequest("is a random integer", "is a random integer", (_, _) => JsonValue.Create(Random.Shared.Next(1, int.MaxValue)));
        InRequest("is one of \"a, b\"", $"is one of {Q}", (c, m) => List(V(c, m)) is { Count: > 0 } l ? JsonValue.Create(l[Random.Shared.Next(l.Count)]) : throw new StepFailedException("is one of \"\": give the choices, comma-separated"));
        InRequest("is now \"FORMAT\"", $"is now {Q}", (c, m) => JsonValue.Create(DateTimeOffset.UtcNow.ToString(V(c, m), CultureInfo.InvariantCulture)));
        Sync("I store \"…\" under \"NAME\"", "I store \"(?<v>[^\"]*)\" under \"(?<n>[^\"]*)\"", (c, m) => c.Stored[m.Groups["n"].Value] = V(c, m));

        // Sending it.
        Add("the URL is invoked", "the URL is invoked", (c, _, ct) => c.InvokeAsync(ct));

        // The response.
        Sync("status is \"…\"", $"status is {Q}", (c, m) => Compare("status", V(c, m), ((int)Answer(c).StatusCode).ToString(CultureInfo.InvariantCulture)));
        HeaderCheck("is \"…\"", $"is {Q}", (actual, expected) => actual == expected, "");
        HeaderCheck("is not \"…\"", $"is not {Q}", (actual, expected) => actual != expected, "not ");
        HeaderCheck("contains \"…\"", $"contains {Q}", (actual, expected) => actual?.Contains(expected, StringComparison.Ordinal) == true, "containing ");
        HeaderCheck("does not contain \"…\"", $"does not contain {Q}", (actual, expected) => actual?.Contains(expected, StringComparison.Ordinal) != true, "not containing ");
        HeaderCheck("starts with \"…\"", $"starts with {Q}", (actual, expected) => actual?.StartsWith(expected, StringComparison.Ordinal) == true, "starting with ");
        HeaderCheck("ends with \"…\"", $"ends with {Q}", (actual, expected) => actual?.EndsWith(expected, StringComparison.Ordinal) == true, "ending with ");
        HeaderCheck("exists", "exists", (actual, _) => actual is not null, "present");
        HeaderCheck("does not exist", "does not exist", (actual, _) => actual is null, "absent");
        HeaderCheck("is empty", "is empty", (actual, _) => actual == "", "empty");
        HeaderCheck("is not empty", "is not empty", (actual, _) => !string.IsNullOrEmpty(actual), "not empty");

        PathCheck("is \"…\"", $"is {Q}", (c, m, value) => Compare("value", V(c, m), Text(value)));
        PathCheck("is an integer \"…\"", $"is an integer {Q}", (c, m, value) =>
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var n)) throw Mismatch($"an integer {V(c, m)}", value);
            Compare("value", V(c, m), n.ToString(CultureInfo.InvariantCulture));
        });
        PathCheck("is a float \"…\"", $"is a float {Q}", (c, m, value) =>
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) throw Mismatch($"a number {V(c, m)}", value);
            if (!double.TryParse(V(c, m), NumberStyles.Float, CultureInfo.InvariantCulture, out var expected)) throw new StepFailedException($"\"{V(c, m)}\" is not a number");
            if (Math.Abs(v.GetValue<double>() - expected) > 1e-9 * Math.Max(1, Math.Abs(expected))) throw Mismatch(V(c, m), value);
        });
        PathCheck("is a list \"a, b\"", $"is a list {Q}", (c, m, value) =>
        {
            var expected = List(V(c, m));
            if (value is not JsonArray array || !array.Select(Text).SequenceEqual(expected)) throw Mismatch("[" + string.Join(", ", expected) + "]", value);
        });
        PathCheck("is empty", "is empty", (_, _, value) =>
        {
            if (value is not (JsonArray { Count: 0 } or JsonObject { Count: 0 }) && !(value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0)) throw Mismatch("empty", value);
        });
        PathCheck("is not empty", "is not empty", (_, _, value) =>
        {
            if (value is null or JsonArray { Count: 0 } or JsonObject { Count: 0 } || (value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0)) throw Mismatch("not empty", value);
        });
        PathCheck("contains \"…\"", $"contains {Q}", (c, m, value) =>
        {
            var expected = V(c, m);
            var ok = value switch
            {
                JsonArray array => array.Any(i => Text(i) == expected),
                JsonValue v when v.TryGetValue<string>(out var s) => s.Contains(expected, StringComparison.Ordinal),
                _ => false,
            };
            if (!ok) throw Mismatch($"containing {expected}", value);
        });
        PathCheck("is one of \"a, b\"", $"is one of {Q}", (c, m, value) =>
        {
            var choices = List(V(c, m));
            if (!choices.Contains(Text(value))) throw Mismatch("one of " + string.Join(", ", choices), value);
        });
        PathCheck("is not one of \"a, b\"", $"is not one of {Q}", (c, m, value) =>
        {
            var choices = List(V(c, m));
            if (choices.Contains(Text(value))) throw Mismatch("none of " + string.Join(", ", choices), value);
        });
        PathCheck("is any string", "is any string", (_, _, value) =>
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) throw Mismatch("a string", value);
        });
        PathCheck("is true", "is true", (_, _, value) => { if (value?.GetValueKind() != JsonValueKind.True) throw Mismatch("true", value); });
        PathCheck("is false", "is false", (_, _, value) => { if (value?.GetValueKind() != JsonValueKind.False) throw Mismatch("false", value); });
        PathCheck("is null", "is null", (_, _, value) => { if (value is not null) throw Mismatch("null", value); });

        Sync("response is equal to \"…\"", $"response is equal to {Q}", (c, m) => SameBody(c, V(c, m)));
        Add("response is equal to that from \"FILE\"", $"response is equal to that from {Q}", async (c, m, ct) =>
        {
            var path = Path.Combine(c.FeatureDirectory, V(c, m));
            if (!File.Exists(path)) throw new StepFailedException($"response is equal to that from \"{m.Groups["v"].Value}\": no such file ({path})");
            SameBody(c, await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
        });
        Sync("I store \"PATH\" from response under \"NAME\" (, default \"…\")", "I store \"(?<p>[^\"]*)\" from response under \"(?<n>[^\"]*)\"(?:, default \"(?<d>[^\"]*)\")?", (c, m) =>
        {
            if (JsonPointer.TryGet(c.ResponseJson(), c.Resolve(m.Groups["p"].Value), out var value)) c.Stored[m.Groups["n"].Value] = Text(value);
            else if (m.Groups["d"].Success) c.Stored[m.Groups["n"].Value] = c.Resolve(m.Groups["d"].Value);
            else throw new StepFailedException($"no value at {m.Groups["p"].Value} to store", actual: ScenarioContext.Shorten(c.ResponseText));
        });
        Sync("context is cleaned up", "context is cleaned up", (c, _) =>
        {
            c.Stored.Clear();
            c.ResetRequest();
        });
        return steps;

        void InRequest(string phrase, string pattern, Func<ScenarioContext, Match, JsonNode?> value) =>
            Sync($"path \"…\" in request {phrase}", $"path \"(?<p>[^\"]*)\" in request {pattern}", (c, m) =>
            {
                try
                {
                    c.Body = JsonPointer.Set(c.Body, c.Resolve(m.Groups["p"].Value), value(c, m));
                }
                catch (FormatException e)
                {
                    throw new StepFailedException(e.Message);
                }
            });

        void HeaderCheck(string phrase, string pattern, Func<string?, string, bool> holds, string describe) =>
            Sync($"header \"…\" {phrase}", $"header \"(?<h>[^\"]*)\" {pattern}", (c, m) =>
            {
                var name = c.Resolve(m.Groups["h"].Value);
                var response = Answer(c);
                var actual = response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                    ? string.Join(", ", values) : null;
                var expected = m.Groups["v"].Success ? c.Resolve(Unescape(m.Groups["v"].Value)) : "";
                if (!holds(actual, expected))
                    throw new StepFailedException($"header {name}", describe + (m.Groups["v"].Success ? Quote(expected) : ""), actual is null ? "(no such header)" : Quote(actual));
            });

        void PathCheck(string phrase, string pattern, Action<ScenarioContext, Match, JsonNode?> check) =>
            Sync($"path \"…\" {phrase}", $"path \"(?<p>[^\"]*)\" {pattern}", (c, m) =>
            {
                var pointer = c.Resolve(m.Groups["p"].Value);
                JsonNode? value;
                try
                {
                    if (!JsonPointer.TryGet(c.ResponseJson(), pointer, out value))
                        throw new StepFailedException($"path {pointer}", phrase.Replace("\"…\"", Quote(m.Groups["v"].Success ? c.Resolve(Unescape(m.Groups["v"].Value)) : "")), "(no such path in the response)");
                }
                catch (FormatException e)
                {
                    throw new StepFailedException(e.Message);
                }
                try
                {
                    check(c, m, value);
                }
                catch (StepFailedException e) when (e.Message == "value")
                {
                    throw new StepFailedException($"path {pointer}", e.Expected, e.Actual);
                }
            });
    }

    private static HttpResponseMessage Answer(ScenarioContext c) =>
        c.Response ?? throw new StepFailedException("the URL has not been invoked yet: add When the URL is invoked");

    private static void Compare(string what, string expected, string actual)
    {
        if (expected != actual) throw new StepFailedException(what, Quote(expected), Quote(actual));
    }

    private static StepFailedException Mismatch(string expected, JsonNode? actual) => new("value", expected, actual is null ? "null" : actual.ToJsonString());

    private static void SameBody(ScenarioContext c, string expected)
    {
        Answer(c);
        try
        {
            if (JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(c.ResponseText))) return;
        }
        catch (JsonException)
        {
            if (expected.Trim() == c.ResponseText.Trim()) return;
        }
        throw new StepFailedException("response", ScenarioContext.Shorten(expected), ScenarioContext.Shorten(c.ResponseText));
    }

    /// <summary>A JSON value as a step compares it: a string's own text, anything else its JSON.</summary>
    internal static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Unescape(string text) => text.Contains('\\') ? Regex.Replace(text, @"\\(.)", "$1") : text;

    private static List<string> List(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The known sentences closest to <paramref name="text"/>, for a step nobody knows.</summary>
    public static IReadOnlyList<string> Closest(string text, int count = 3)
    {
        var shape = Regex.Replace(text, "\"[^\"]*\"", "\"…\"").ToLowerInvariant();
        return [.. Steps.Select(s => (s.Phrase, Distance: Suggestions.Distance(shape, s.Phrase.ToLowerInvariant())))
            .OrderBy(s => s.Distance).Take(count).Select(s => s.Phrase)];
    }
}
