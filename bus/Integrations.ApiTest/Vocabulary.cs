using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integrations.Runtime;

namespace Integrations.ApiTest;

/// <summary>
/// The sentences API tests are written in: building a request, invoking it, checking the response — ours and Zato's
/// apitest vocabulary, in the meaning Zato gives them. The keywords (Given, When, Then, And, But) are interchangeable;
/// values in quotes may be <c>$ENV</c>, <c>@config NAME</c> (<c>@NAME</c>) or <c>#stored</c>. JSON paths are JSON
/// Pointers (<c>path "/a"</c> or <c>JSON Pointer "/a"</c>), XML paths are XPath.
/// </summary>
public static partial class Vocabulary
{
    // A quoted value; \" inside it stands for a quote.
    private static string Q(string name = "v") => $"\"(?<{name}>(?:[^\"\\\\]|\\\\.)*)\"";

    // The last quoted value of a sentence may also hold quotes as they are, as Zato's steps allow:
    // request is "{"a": 1}".
    private static string L(string name = "v") => $"\"(?<{name}>.*)\"";

    private const string IsNot = "(?:is not|isn't|isn’t)";
    private const string DoesNot = "(?:does not|doesn't|doesn’t)";

    private sealed record Target(Targets Kind, string Pattern, string[] Spellings);

    private static readonly Target JsonPath = new(Targets.Json, $"(?:path|JSON Pointer) {Q("p")}", ["path \"…\"", "JSON Pointer \"…\""]);
    // An XPath may hold quotes as they are (//item[@id="7"]): it ends at the first quote the rest of the sentence fits.
    private static readonly Target XPath = new(Targets.Xml, "XPath \"(?<p>.*?)\"", ["XPath \"…\""]);
    private static readonly Target Variable = new(Targets.Variable, $"variable {Q("p")}", ["variable \"…\""]);

    // After the targets: it is built from them.
    /// <summary>Every sentence, in the order the README lists them.</summary>
    public static IReadOnlyList<StepDefinition> Steps { get; } = Build();

    /// <summary>A value <c>… in request is …</c> steps put in the request.</summary>
    private sealed record Producer(string Phrase, string[] Zato, string Pattern, Targets Targets, Func<ScenarioContext, Match, JsonNode?> Value);

    /// <summary>What <c>… is …</c> steps check of the response's values or stored ones.</summary>
    private sealed record Check(string Phrase, string[] Zato, string Pattern, Targets Targets, Action<ScenarioContext, Match, Found> Holds);

    private static List<StepDefinition> Build()
    {
        var steps = new List<StepDefinition>();
        void Add(string phrase, string[] spellings, string pattern, Func<ScenarioContext, Match, CancellationToken, Task> run) =>
            steps.Add(new(phrase, new Regex("^" + pattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), async (c, m, ct) =>
            {
                try
                {
                    await run(c, m, ct).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    throw new StepFailedException(e.Message);
                }
            }) { Spellings = [phrase, .. spellings] });
        void Sync(string phrase, string[] spellings, string pattern, Action<ScenarioContext, Match> run) =>
            Add(phrase, spellings, pattern, (c, m, _) => { run(c, m); return Task.CompletedTask; });

        // The request.
        Sync("address \"…\"", [], $"address {L()}", (c, m) => c.Address = V(c, m));
        Sync("URL path \"…\"", [], $"URL path {L()}", (c, m) => c.Path = V(c, m));
        Sync("REST method \"…\"", ["HTTP method \"…\""], $"(?:REST|HTTP) method {L()}", (c, m) => c.Method = V(c, m).ToUpperInvariant());
        Sync("format \"JSON|XML|FORM|RAW\"", ["request format \"…\""], $"(?:request )?format {L()}", (c, m) => c.Format = FormatOf(V(c, m), "JSON, XML, FORM or RAW"));
        Sync("response format \"JSON|XML|RAW\"", [], $"response format {L()}", (c, m) => c.ResponseFormat = FormatOf(V(c, m), "JSON, XML or RAW"));
        Sync("header \"…\" \"…\"", [], $"header {Q("h")} {L()}", (c, m) => c.Headers.Add((V(c, m, "h"), V(c, m))));
        Sync("user agent is \"…\"", [], $"user agent is {L()}", (c, m) => c.Headers.Add(("User-Agent", V(c, m))));
        Sync("query string \"…\"", [], $"query string {L()}", (c, m) => c.Query = V(c, m));
        Sync("Basic Auth \"…\" \"…\"", [], $"Basic Auth {Q("u")} {L("p")}", (c, m) => c.Headers.Add(("Authorization",
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(V(c, m, "u") + ":" + V(c, m, "p"))))));
        Add("request \"FILE\"", [], $"request {L()}", async (c, m, ct) =>
        {
            var text = await File.ReadAllTextAsync(c.FindFile(V(c, m), "request", c.Format), ct).ConfigureAwait(false);
            SetBody(c, text);
        });
        Sync("request is \"…\"", [], $"request is {L()}", (c, m) => SetBody(c, V(c, m)));
        Sync("form field \"…\" is \"…\"", ["Request param \"…\" is \"…\""], $"(?:form field|request param) {Q("n")} is {L()}", (c, m) =>
        {
            c.Format = "form";
            c.FormFields.Add((V(c, m, "n"), V(c, m)));
        });
        Sync("request file \"…\" is \"FILE\"", [], $"request file {Q("n")} is {L()}", (c, m) =>
        {
            c.Format = "form";
            c.Files.Add((V(c, m, "n"), c.FindFile(V(c, m), "request", "form")));
        });
        Sync("form is cleaned up", [], "form is cleaned up", (c, _) =>
        {
            c.FormFields.Clear();
            c.Files.Clear();
        });
        Sync("SOAP action \"…\"", [], $"SOAP action {L()}", (c, m) => c.SoapAction = V(c, m));
        Sync("namespace prefix \"…\" of \"…\"", [], $"namespace prefix {Q("n")} of {L()}", (c, m) => c.State.Namespaces[V(c, m, "n")] = V(c, m));
        Sync("date format \"NAME\" \"FORMAT\"", [], $"date format {Q("n")} {L()}", (c, m) => c.State.DateFormats[V(c, m, "n")] = V(c, m));

        foreach (var producer in Producers())
        {
            if (producer.Targets.HasFlag(Targets.Json))
                Sync(JsonPath.Spellings[0] + " in request " + producer.Phrase,
                    [.. Spell(JsonPath, "in request", producer.Phrase, producer.Zato).Skip(1)],
                    $"{JsonPath.Pattern} in request {producer.Pattern}",
                    (c, m) => c.Body = JsonPointer.Set(c.RequestJson(), c.Resolve(Unescape(m.Groups["p"].Value)), producer.Value(c, m)));
            if (producer.Targets.HasFlag(Targets.Xml))
                Sync(XPath.Spellings[0] + " in request " + producer.Phrase,
                    [.. Spell(XPath, "in request", producer.Phrase, producer.Zato).Skip(1)],
                    $"{XPath.Pattern} in request {producer.Pattern}",
                    (c, m) => XmlPaths.Set(c.RequestXml(), c.Resolve(Unescape(m.Groups["p"].Value)), c.State.Namespaces, XmlText(producer.Value(c, m))));
        }

        // Values kept for later steps.
        Sync("I store \"…\" under \"NAME\"", [], $"I store {Q()} under {L("n")}", (c, m) => c.Stored[N(m)] = c.ResolveValue(Unescape(m.Groups["v"].Value)));
        Sync("I store a random string under \"NAME\"", [], $"I store a random string under {L("n")}", (c, m) => c.Stored[N(m)] = RandomString());
        Sync("I store a random integer under \"NAME\"", [], $"I store a random integer under {L("n")}", (c, m) => c.Stored[N(m)] = RandomInteger());
        Sync("I store a random float under \"NAME\"", [], $"I store a random float under {L("n")}", (c, m) => c.Stored[N(m)] = RandomFloat());
        Sync("I store a random date under \"NAME\", format \"FORMAT\"", [], $"I store a random date under {Q("n")}, format {L("f")}", (c, m) =>
            c.Stored[N(m)] = JsonValue.Create(Dates.Format(Dates.Anytime(DateTimeOffset.Now, Random.Shared), V(c, m, "f"), c.State.DateFormats)));
        Sync("I store a format string \"TEXT\" under \"NAME\"", [], $"I store a format string {Q()} under {L("n")}", (c, m) =>
            c.Stored[N(m)] = JsonValue.Create(FormatString(c, V(c, m))));
        Sync("I store UTC now under \"NAME\" \"FORMAT\"", ["I store now under \"…\" \"…\""], $"I store (?<utc>UTC )?now under {Q("n")} {L("f")}", (c, m) =>
            c.Stored[N(m)] = JsonValue.Create(Dates.Format(Now(m), V(c, m, "f"), c.State.DateFormats)));
        Sync("I encode \"…\" using Base64 under \"NAME\"", [], $"I encode {Q()} using Base64 under {L("n")}", (c, m) =>
            c.Stored[N(m)] = JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(V(c, m)))));
        Sync("I decode \"…\" using Base64 under \"NAME\"", [], $"I decode {Q()} using Base64 under {L("n")}", (c, m) =>
            c.Stored[N(m)] = JsonValue.Create(Values.FromBase64(V(c, m))));
        Add("I sleep for \"SECONDS\"", [], $"I sleep for {L()}", (c, m, ct) => Task.Delay(Interval.Parse(V(c, m)), ct));

        // Sending it.
        Add("the URL is invoked", [], "the URL is invoked", (c, _, ct) => c.InvokeAsync(ct));

        // The response.
        Sync("status is \"…\"", [], $"status is {L()}", (c, m) =>
        {
            var actual = ((int)c.Answer().StatusCode).ToString(CultureInfo.InvariantCulture);
            if (V(c, m).Trim() != actual) throw new StepFailedException("status", Quote(V(c, m)), Quote(actual));
        });
        HeaderCheck("is \"…\"", [], $"is {L()}", (actual, expected) => actual == expected, "");
        HeaderCheck("is not \"…\"", ["isn't \"…\""], $"{IsNot} {L()}", (actual, expected) => actual != expected, "not ");
        HeaderCheck("contains \"…\"", [], $"contains {L()}", (actual, expected) => actual.Contains(expected, StringComparison.Ordinal), "containing ");
        HeaderCheck("does not contain \"…\"", ["doesn't contain \"…\""], $"{DoesNot} contain {L()}", (actual, expected) => !actual.Contains(expected, StringComparison.Ordinal), "not containing ");
        HeaderCheck("starts with \"…\"", [], $"starts with {L()}", (actual, expected) => actual.StartsWith(expected, StringComparison.Ordinal), "starting with ");
        HeaderCheck("does not start with \"…\"", ["doesn't start with \"…\""], $"{DoesNot} start with {L()}", (actual, expected) => !actual.StartsWith(expected, StringComparison.Ordinal), "not starting with ");
        HeaderCheck("ends with \"…\"", [], $"ends with {L()}", (actual, expected) => actual.EndsWith(expected, StringComparison.Ordinal), "ending with ");
        HeaderCheck("does not end with \"…\"", ["doesn't end with \"…\""], $"{DoesNot} end with {L()}", (actual, expected) => !actual.EndsWith(expected, StringComparison.Ordinal), "not ending with ");
        HeaderCheck("is empty", [], "is empty", (actual, _) => actual == "", "empty");
        HeaderCheck("is not empty", ["isn't empty"], $"{IsNot} empty", (actual, _) => actual != "", "not empty");
        Sync("header \"…\" exists", [], $"header {Q("h")} exists", (c, m) =>
        {
            if (HeaderOf(c, V(c, m, "h")) is null) throw new StepFailedException($"header {V(c, m, "h")}", "present", "(no such header)");
        });
        Sync("header \"…\" does not exist", ["header \"…\" doesn't exist"], $"header {Q("h")} {DoesNot} exist", (c, m) =>
        {
            if (HeaderOf(c, V(c, m, "h")) is { } value) throw new StepFailedException($"header {V(c, m, "h")}", "absent", Quote(value));
        });

        foreach (var check in Checks())
            foreach (var target in (Target[])[JsonPath, XPath, Variable])
            {
                if (!check.Targets.HasFlag(target.Kind)) continue;
                Sync(target.Spellings[0] + " " + check.Phrase, [.. Spell(target, "", check.Phrase, check.Zato).Skip(1)], $"{target.Pattern} {check.Pattern}", (c, m) =>
                {
                    var found = Find(c, m, target, check.Phrase);
                    try
                    {
                        check.Holds(c, m, found);
                    }
                    catch (StepFailedException e) when (e.Message == "value")
                    {
                        throw new StepFailedException(found.Where, e.Expected, e.Actual ?? found.Shown);
                    }
                });
            }

        Sync("response is equal to \"…\"", [], $"response is equal to {L()}", (c, m) => SameBody(c, V(c, m), json: false));
        Add("response is equal to that from \"FILE\"", [], $"response is equal to that from {L()}", async (c, m, ct) =>
        {
            var path = c.FindFile(V(c, m), "response", c.ResponseFormat ?? c.Format);
            SameBody(c, await File.ReadAllTextAsync(path, ct).ConfigureAwait(false), json: false);
        });
        Sync("JSON response is equal to \"…\"", [], $"JSON response is equal to {L()}", (c, m) => SameBody(c, V(c, m), json: true));
        Sync("JSON response exists", [], "JSON response exists", (c, _) =>
        {
            if (IsNothing(c.ResponseJson())) throw new StepFailedException("response", "a JSON value that is not empty", Quote(ScenarioContext.Shorten(c.ResponseText)));
        });
        Sync("JSON response does not exist", ["JSON response doesn't exist"], $"JSON response {DoesNot} exist", (c, _) =>
        {
            c.Answer();
            if (c.ResponseText.Trim().Length > 0 && !IsNothing(c.ResponseJson()))
                throw new StepFailedException("response", "nothing (an empty body, null, {}, [] or \"\")", ScenarioContext.Shorten(c.ResponseText));
        });
        Sync("I store \"PATH\" from response under \"NAME\"", ["I store \"…\" from response under \"…\", default \"…\""],
            $"I store {Q("p")} from response under {Q("n")}(?:, default {L("d")})?", (c, m) =>
            {
                var path = c.Resolve(Unescape(m.Groups["p"].Value));
                JsonNode? value;
                bool found;
                if (c.Format == "xml" || c.ResponseFormat == "xml")
                {
                    var texts = XmlPaths.Texts(c.ResponseXml(), path, c.State.Namespaces);
                    found = texts.Count > 0;
                    value = texts.Count == 1 ? JsonValue.Create(texts[0]) : new JsonArray([.. texts.Select(t => (JsonNode?)JsonValue.Create(t))]);
                }
                else found = JsonPointer.TryGet(c.ResponseJson(), path, out value);
                if (found) c.Stored[N(m)] = value?.DeepClone();
                else if (m.Groups["d"].Success) c.Stored[N(m)] = c.ResolveValue(Unescape(m.Groups["d"].Value));
                else throw new StepFailedException($"no value at {path} to store", actual: ScenarioContext.Shorten(c.ResponseText));
            });
        Sync("context is cleaned up", [], "context is cleaned up", (c, _) =>
        {
            c.State.Clear();
            c.ResetRequest();
        });
        return steps;

        void HeaderCheck(string phrase, string[] zato, string pattern, Func<string, string, bool> holds, string describe) =>
            Sync($"header \"…\" {phrase}", [.. zato.Select(z => $"header \"…\" {z}")], $"header {Q("h")} {pattern}", (c, m) =>
            {
                var name = V(c, m, "h");
                var expected = m.Groups["v"].Success ? V(c, m) : "";
                var described = describe + (m.Groups["v"].Success ? Quote(expected) : "");
                // As in Zato, a header a step compares must be there.
                var actual = HeaderOf(c, name) ?? throw new StepFailedException($"header {name}", described.Trim(), "(no such header)");
                if (!holds(actual, expected)) throw new StepFailedException($"header {name}", described, Quote(actual));
            });
    }

    private static IEnumerable<string> Spell(Target target, string middle, string phrase, string[] zato) =>
        from t in target.Spellings
        from p in (string[])[phrase, .. zato]
        select string.Join(" ", new[] { t, middle, p }.Where(s => s.Length > 0));

    private static Found Find(ScenarioContext c, Match m, Target target, string phrase)
    {
        var path = c.Resolve(Unescape(m.Groups["p"].Value));
        var described = m.Groups["v"].Success ? phrase.Replace("\"…\"", Quote(V(c, m))) : phrase;
        switch (target.Kind)
        {
            case Targets.Json:
                return JsonPointer.TryGet(c.ResponseJson(), path, out var value) ? new Found($"path {path}", value, false)
                    : throw new StepFailedException($"path {path}", described, "(no such path in the response)");
            case Targets.Xml:
                var document = c.ResponseXml();
                try
                {
                    return XmlPaths.Text(document, path, c.State.Namespaces) is { } text ? Found.Xml($"XPath {path}", text)
                        : throw new StepFailedException($"XPath {path}", described, "(the XPath finds nothing in the response)");
                }
                catch (FormatException e)
                {
                    throw new StepFailedException(e.Message);
                }
            default:
                var raw = Unescape(m.Groups["p"].Value);
                return new Found($"variable {raw}", c.ResolveValue(raw), false);
        }
    }

    private static IEnumerable<Producer> Producers()
    {
        yield return new("is \"…\"", [], $"is {L()}", Targets.Json | Targets.Xml, (c, m) => c.ResolveValue(Unescape(m.Groups["v"].Value)));
        yield return new("is \"…\" (with literal_eval)", [], $"is {L()} \\(with literal_eval\\)", Targets.Json, (c, m) => PythonLiteral.Parse(V(c, m)));
        yield return new("is an integer \"…\"", [], $"is an integer {L()}", Targets.Json | Targets.Xml, (c, m) =>
            BigInteger.TryParse(V(c, m).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? JsonNode.Parse(n.ToString(CultureInfo.InvariantCulture)) : throw new StepFailedException($"\"{V(c, m)}\" is not an integer"));
        yield return new("is a float \"…\"", [], $"is a float {L()}", Targets.Json | Targets.Xml, (c, m) =>
            double.TryParse(V(c, m), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
                ? JsonValue.Create(n) : throw new StepFailedException($"\"{V(c, m)}\" is not a number"));
        yield return new("is a list \"a, b\"", [], $"is a list {L()}", Targets.Json, (c, m) => Values.List(V(c, m)).List);
        yield return new("is True", [], "is True", Targets.Json | Targets.Xml, (_, _) => JsonValue.Create(true));
        yield return new("is False", [], "is False", Targets.Json | Targets.Xml, (_, _) => JsonValue.Create(false));
        yield return new("is a random string", [], "is a random string", Targets.Json | Targets.Xml, (_, _) => RandomString());
        yield return new("is a random integer", [], "is a random integer", Targets.Json | Targets.Xml, (_, _) => RandomInteger());
        yield return new("is a random float", [], "is a random float", Targets.Json | Targets.Xml, (_, _) => RandomFloat());
        yield return new("is one of \"a, b\"", ["is any of \"…\""], $"is (?:one|any) of {L()}", Targets.Json | Targets.Xml, (c, m) =>
            Values.Csv(V(c, m)) is { Count: > 0 } l ? JsonValue.Create(l[Random.Shared.Next(l.Count)]) : throw new StepFailedException("is one of \"\": give the choices, comma-separated"));
        yield return new("is a UUID", ["is a UUID4"], "is a UUID4?", Targets.Json | Targets.Xml, (_, _) => JsonValue.Create(Guid.NewGuid().ToString("N")));
        yield return new("is now \"FORMAT\"", [], $"is now {Q("f")}", Targets.Json | Targets.Xml, (c, m) => Date(c, m, Now(m)));
        yield return new("is UTC now \"FORMAT\"", [], $"is (?<utc>UTC )now {Q("f")}", Targets.Json | Targets.Xml, (c, m) => Date(c, m, Now(m)));
        yield return new("is now \"FORMAT\" minus \"INTERVAL\"", ["is UTC now \"…\" plus \"…\"", "is UTC now \"…\" minus one hour"],
            $"is (?<utc>UTC )?now {Q("f")} (?<sign>minus|plus) (?:one (?<unit>second|minute|hour|day|week)|{L("i")})", Targets.Json | Targets.Xml, (c, m) =>
            {
                var interval = m.Groups["unit"].Success ? Interval.Parse("1 " + m.Groups["unit"].Value) : Interval.Parse(V(c, m, "i"));
                return Date(c, m, Now(m) + (m.Groups["sign"].Value.Equals("minus", StringComparison.OrdinalIgnoreCase) ? -interval : interval));
            });
        yield return new("is a random date \"FORMAT\"", [], $"is a random date {L("f")}", Targets.Json | Targets.Xml, (c, m) =>
            Date(c, m, Dates.Anytime(DateTimeOffset.Now, Random.Shared)));
        yield return new("is a random date after \"DATE\" \"FORMAT\"", [], $"is a random date after {Q("a")} {L("f")}", Targets.Json | Targets.Xml, (c, m) =>
            Date(c, m, Dates.After(Dates.Parse(V(c, m, "a")), Random.Shared)));
        yield return new("is a random date before \"DATE\" \"FORMAT\"", [], $"is a random date before {Q("b")} {L("f")}", Targets.Json | Targets.Xml, (c, m) =>
            Date(c, m, Dates.Before(Dates.Parse(V(c, m, "b")), Random.Shared)));
        yield return new("is a random date between \"DATE\" and \"DATE\" \"FORMAT\"", [], $"is a random date between {Q("a")} and {Q("b")} {L("f")}", Targets.Json | Targets.Xml, (c, m) =>
            Date(c, m, Dates.Between(Dates.Parse(V(c, m, "a")), Dates.Parse(V(c, m, "b")), Random.Shared)));
    }

    private static IEnumerable<Check> Checks()
    {
        yield return new("is \"…\"", [], $"is {L()}", Targets.All, (c, m, f) =>
        {
            if (f.Text != V(c, m)) throw Mismatch(Quote(V(c, m)));
        });
        yield return new("is \"…\" (with literal_eval)", [], $"is {L()} \\(with literal_eval\\)", Targets.Json | Targets.Variable, (c, m, f) =>
        {
            var expected = PythonLiteral.Parse(V(c, m));
            if (!Values.Same(expected, f.Json)) throw Mismatch(Values.Show(expected));
        });
        yield return new("is JSON \"…\"", [], $"is JSON {L()}", Targets.Json | Targets.Variable, (c, m, f) => SameAs(ParseJson(V(c, m), "the expected value"), f));
        yield return new("is JSON equal to that from \"FILE\"", [], $"is JSON equal to that from {L()}", Targets.Json, (c, m, f) =>
            SameAs(ParseJson(File.ReadAllText(c.FindFile(V(c, m), "response", "json")), V(c, m)), f));
        yield return new("is not \"…\"", ["isn't \"…\"", "is not a string \"…\"", "isn't a string \"…\""], $"{IsNot} (?:a string )?{L()}", Targets.All, (c, m, f) =>
        {
            if (f.Text == V(c, m)) throw Mismatch("not " + Quote(V(c, m)));
        });
        yield return new("is a string \"…\"", [], $"is a string {L()}", Targets.All, (c, m, f) =>
        {
            if (!f.IsString || f.Text != V(c, m)) throw Mismatch("the string " + Quote(V(c, m)));
        });
        yield return new("is an integer \"…\"", [], $"is an integer {L()}", Targets.All, (c, m, f) =>
        {
            if (!BigInteger.TryParse(V(c, m).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expected))
                throw new StepFailedException($"\"{V(c, m)}\" is not an integer");
            if (!f.TryInteger(out var actual) || actual != expected) throw Mismatch($"an integer {V(c, m)}");
        });
        yield return new("is a float \"…\"", [], $"is a float {L()}", Targets.All, (c, m, f) =>
        {
            if (!double.TryParse(V(c, m), NumberStyles.Float, CultureInfo.InvariantCulture, out var expected)) throw new StepFailedException($"\"{V(c, m)}\" is not a number");
            if (!f.TryNumber(out var actual) || Math.Abs(actual - expected) > 1e-9 * Math.Max(1, Math.Abs(expected))) throw Mismatch($"a number {V(c, m)}");
        });
        yield return new("is any integer", [], "is any integer", Targets.All, (_, _, f) => { if (!f.TryInteger(out _)) throw Mismatch("an integer"); });
        yield return new("is any float", [], "is any float", Targets.All, (_, _, f) => { if (!f.IsReal) throw Mismatch("a number with a fraction (a float)"); });
        yield return new("is any string", [], "is any string", Targets.All, (_, _, f) => { if (!f.IsString) throw Mismatch("a string"); });
        yield return new("is any bool", ["is any Boolean"], "is any (?:bool|Boolean)", Targets.All, (_, _, f) => { if (f.Bool is null) throw Mismatch("true or false"); });
        yield return new("is any list", [], "is any list", Targets.Json | Targets.Variable, (_, _, f) => { if (f.Json is not JsonArray) throw Mismatch("a list"); });
        yield return new("is any dict", [], "is any dict", Targets.Json | Targets.Variable, (_, _, f) => { if (f.Json is not JsonObject) throw Mismatch("a dict (a JSON object)"); });
        yield return new("is a UUID", ["is any UUID4"], "is (?:a|any) UUID(?<four>4)?", Targets.All, (_, m, f) =>
        {
            var four = m.Groups["four"].Success;
            if (!f.IsString || !Guid.TryParse(f.Text.Replace("urn:uuid:", "", StringComparison.OrdinalIgnoreCase), out var uuid) || (four && uuid.ToString("N")[12] != '4'))
                throw Mismatch(four ? "a version 4 UUID" : "a UUID");
        });
        yield return new("is a list \"a, b\"", [], $"is a list {L()}", Targets.Json | Targets.Variable, (c, m, f) =>
        {
            var (expected, typed) = Values.List(V(c, m));
            var holds = f.Json is JsonArray actual && (typed ? Values.Same(expected, actual) : actual.Select(Text).SequenceEqual(expected.Select(Text)));
            if (!holds) throw Mismatch(Values.ShowList(expected, typed));
        });
        yield return new("is empty", [], "is empty", Targets.All, (_, _, f) => { if (!f.IsEmpty) throw Mismatch("empty"); });
        yield return new("is not empty", ["isn't empty"], $"{IsNot} empty", Targets.All, (_, _, f) =>
        {
            if (f.IsEmpty || (!f.FromXml && f.Json is null)) throw Mismatch("not empty");
        });
        yield return new("is an empty list", [], "is an empty list", Targets.Json | Targets.Variable, (_, _, f) => { if (f.Json is not JsonArray { Count: 0 }) throw Mismatch("[]"); });
        yield return new("is not an empty list", ["isn't an empty list"], $"{IsNot} an empty list", Targets.Json | Targets.Variable, (_, _, f) =>
        {
            if (f.Json is not JsonArray { Count: > 0 }) throw Mismatch("a list that is not empty");
        });
        yield return new("is an empty dict", [], "is an empty dict", Targets.Json | Targets.Variable, (_, _, f) => { if (f.Json is not JsonObject { Count: 0 }) throw Mismatch("{}"); });
        yield return new("is one of \"a, b\"", [], $"is one of {L()}", Targets.All, (c, m, f) =>
        {
            var choices = Values.Csv(V(c, m));
            if (!choices.Contains(f.Text)) throw Mismatch("one of " + string.Join(", ", choices));
        });
        yield return new("is not one of \"a, b\"", ["isn't one of \"…\""], $"{IsNot} one of {L()}", Targets.All, (c, m, f) =>
        {
            var choices = Values.Csv(V(c, m));
            if (choices.Contains(f.Text)) throw Mismatch("none of " + string.Join(", ", choices));
        });
        yield return new("contains \"…\"", [], $"contains {L()}", Targets.All, (c, m, f) =>
        {
            var expected = V(c, m);
            if (!Contains(f, expected, JsonText(expected))) throw Mismatch($"containing {expected}");
        });
        yield return new("contains data from \"FILE\"", [], $"contains data from {L()}", Targets.Json, (c, m, f) =>
        {
            var expected = ParseJson(File.ReadAllText(c.FindFile(V(c, m), "response", "json")), V(c, m));
            if (f.Json is not JsonArray items || !items.Any(i => Values.Same(i, expected))) throw Mismatch("a list with " + Values.Show(expected));
        });
        yield return new("starts with \"…\"", [], $"starts with {L()}", Targets.All, (c, m, f) =>
        {
            if (!f.IsString || !f.Text.StartsWith(V(c, m), StringComparison.Ordinal)) throw Mismatch("a string starting with " + Quote(V(c, m)));
        });
        yield return new("starts with any of \"a, b\"", [], $"starts with any of {L()}", Targets.All, (c, m, f) =>
        {
            var starts = Values.Csv(V(c, m));
            if (!f.IsString || !starts.Any(s => f.Text.StartsWith(s, StringComparison.Ordinal))) throw Mismatch("a string starting with one of " + string.Join(", ", starts));
        });
        yield return new("ends with \"…\"", [], $"ends with {L()}", Targets.All, (c, m, f) =>
        {
            if (!f.IsString || !f.Text.EndsWith(V(c, m), StringComparison.Ordinal)) throw Mismatch("a string ending with " + Quote(V(c, m)));
        });
        yield return new("is True", [], "is True", Targets.All, (_, _, f) => { if (f.Bool != true) throw Mismatch("true"); });
        yield return new("is False", [], "is False", Targets.All, (_, _, f) => { if (f.Bool != false) throw Mismatch("false"); });
        yield return new("is null", [], "is null", Targets.Json | Targets.Variable, (_, _, f) => { if (f.Json is not null) throw Mismatch("null"); });
        yield return new("is a BASE32 Crockford, checksum \"true|false\"", [], $"is a BASE32 Crockford, checksum {L()}", Targets.All, (c, m, f) =>
        {
            var checksum = V(c, m).Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
            var problem = f.IsString ? Values.NotBase32Crockford(f.Text, checksum) : "it is not a string";
            if (problem is not null) throw Mismatch($"Crockford's base32{(checksum ? " with a check symbol" : "")} ({problem})");
        });
        yield return new("is base64 JSON which pointer \"…\" has \"…\"", [], $"is base64 JSON which pointer {Q("q")} has {L()}", Targets.All, (c, m, f) =>
        {
            var inner = c.Resolve(Unescape(m.Groups["q"].Value));
            string decoded;
            try
            {
                decoded = Values.FromBase64(f.Text);
            }
            catch (FormatException)
            {
                throw Mismatch($"base64 JSON whose {inner} is {Quote(V(c, m))}");
            }
            var document = ParseJson(decoded, $"the base64 text at {f.Where}");
            if (!JsonPointer.TryGet(document, inner, out var value))
                throw Mismatch($"base64 JSON whose {inner} is {Quote(V(c, m))}", $"base64 of {ScenarioContext.Shorten(decoded)}, which has no {inner}");
            if (Text(value) != V(c, m)) throw Mismatch($"base64 JSON whose {inner} is {Quote(V(c, m))}", $"base64 JSON whose {inner} is {Values.Show(value)}");
        });
    }

    private static void SameAs(JsonNode? expected, Found f)
    {
        if (!Values.Same(expected, f.Json)) throw Mismatch(Values.Show(expected));
    }

    private static bool Contains(Found f, string expected, JsonNode? asJson) => f.Json switch
    {
        _ when f.FromXml => f.Text.Contains(expected, StringComparison.Ordinal),
        // A list holds the value, compared as JSON when the step wrote JSON (Zato's meaning) or as text.
        JsonArray items => items.Any(i => Text(i) == expected || (asJson is not null && Values.Same(i, asJson))),
        JsonObject fields => fields.ContainsKey(expected),
        JsonValue v when v.TryGetValue<string>(out var s) => s.Contains(expected, StringComparison.Ordinal),
        _ => false,
    };

    private static JsonNode? JsonText(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? ParseJson(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new StepFailedException($"{what} is not JSON: {e.Message}", actual: ScenarioContext.Shorten(text));
        }
    }

    private static string V(ScenarioContext c, Match m, string group = "v") => c.Resolve(Unescape(m.Groups[group].Value));

    private static string N(Match m) => Unescape(m.Groups["n"].Value);

    private static string FormatOf(string format, string choices) => format.Trim().ToUpperInvariant() switch
    {
        "JSON" => "json",
        "XML" => "xml",
        "FORM" when choices.Contains("FORM", StringComparison.Ordinal) => "form",
        "RAW" => "raw",
        _ => throw new StepFailedException($"format \"{format}\": use {choices}"),
    };

    private static void SetBody(ScenarioContext c, string text)
    {
        c.RawBody = text;
        c.Body = null;
        c.Xml = null;
    }

    private static DateTimeOffset Now(Match m) => m.Groups["utc"].Success ? DateTimeOffset.UtcNow : DateTimeOffset.Now;

    private static JsonNode Date(ScenarioContext c, Match m, DateTimeOffset at) => JsonValue.Create(Dates.Format(at, V(c, m, "f"), c.State.DateFormats));

    // Random values start with a letter, so that no reader takes them for a number.
    private static JsonNode RandomString() => JsonValue.Create("esb-" + Guid.NewGuid().ToString("N")[..12]);

    private static JsonNode RandomInteger() => JsonValue.Create(Random.Shared.Next(1, int.MaxValue));

    // Always with a fraction, so that it reads back as a float and not as an integer.
    private static JsonNode RandomFloat() => JsonValue.Create(Random.Shared.Next(0, 1000) + Math.Round(0.01 + Random.Shared.NextDouble() * 0.98, 2));

    private static string XmlText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => Text(value),
    };

    /// <summary>Python's <c>str.format</c> over stored values, as Zato's <c>I store a format string</c>: <c>{name}</c> is a stored value, <c>{{</c> and <c>}}</c> are braces.</summary>
    private static string FormatString(ScenarioContext c, string text)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '{' && i + 1 < text.Length && text[i + 1] == '{') result.Append(text[++i]);
            else if (text[i] == '}' && i + 1 < text.Length && text[i + 1] == '}') result.Append(text[++i]);
            else if (text[i] == '{')
            {
                var end = text.IndexOf('}', i);
                if (end < 0) throw new StepFailedException($"format string \"{text}\": a '{{' at character {i + 1} has no '}}' (write {{{{ for a brace)");
                var name = text[(i + 1)..end].Split(':', '!')[0].Trim();
                if (!c.Stored.TryGetValue(name, out var value))
                    throw new StepFailedException($"format string \"{text}\": nothing was stored under '{name}' (I store \"…\" under \"{name}\")");
                result.Append(Text(value));
                i = end;
            }
            else result.Append(text[i]);
        }
        return result.ToString();
    }

    private static string? HeaderOf(ScenarioContext c, string name)
    {
        var response = c.Answer();
        return response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
    }

    private static StepFailedException Mismatch(string expected, string? actual = null) => new("value", expected, actual);

    private static bool IsNothing(JsonNode? value) =>
        value is null or JsonArray { Count: 0 } or JsonObject { Count: 0 } || value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0;

    private static void SameBody(ScenarioContext c, string expected, bool json)
    {
        c.Answer();
        var asJson = JsonText(expected);
        var actualJson = JsonText(c.ResponseText);
        if (json && asJson is null && expected.Trim() is not "null")
            throw new StepFailedException("JSON response is equal to: the expected value is not JSON", actual: ScenarioContext.Shorten(expected));
        if (json && actualJson is null && c.ResponseText.Trim() is not "null")
            throw new StepFailedException("response", ScenarioContext.Shorten(expected), "(not JSON) " + ScenarioContext.Shorten(c.ResponseText));
        if ((asJson is not null || expected.Trim() == "null") && (actualJson is not null || c.ResponseText.Trim() == "null"))
        {
            if (Values.Same(asJson, actualJson)) return;
        }
        else if ((c.ResponseFormat ?? c.Format) == "xml" && SameXml(expected, c.ResponseText)) return;
        else if (expected.Trim() == c.ResponseText.Trim()) return;
        throw new StepFailedException("response", ScenarioContext.Shorten(expected), ScenarioContext.Shorten(c.ResponseText));
    }

    // XML documents are the same when their elements, attributes and texts are, whatever the whitespace between elements.
    private static bool SameXml(string a, string b)
    {
        try
        {
            return System.Xml.Linq.XNode.DeepEquals(System.Xml.Linq.XDocument.Parse(a).Root, System.Xml.Linq.XDocument.Parse(b).Root);
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    /// <summary>A JSON value as a step compares it: a string's own text, anything else its JSON.</summary>
    internal static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => Values.Show(value),
    };

    private static string Quote(string text) => "\"" + text + "\"";

    // \" stands for a quote, unless the value holds quotes as they are (Zato's way), when it is taken as written.
    private static string Unescape(string text) =>
        !text.Contains('\\') || BareQuote().IsMatch(text) ? text : text.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex("(?<!\\\\)\"")]
    private static partial Regex BareQuote();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedValue();

    private static string Shape(string text) => QuotedValue().Replace(text, "\"…\"").ToLowerInvariant();

    /// <summary>The known sentences closest to <paramref name="text"/>, for a step nobody knows: each the spelling nearest to it, ours or Zato's.</summary>
    public static IReadOnlyList<string> Closest(string text, int count = 3)
    {
        var shape = Shape(text);
        return [.. Steps.Select(s => s.Spellings.Select(spelling => (spelling, Distance: Suggestions.Distance(shape, Shape(spelling)))).MinBy(x => x.Distance))
            .OrderBy(s => s.Distance).Take(count).Select(s => s.spelling)];
    }
}
