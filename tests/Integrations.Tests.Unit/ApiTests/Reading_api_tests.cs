using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integrations.ApiTest;

namespace Integrations.Tests.Unit.ApiTests;

public sealed class Reading_api_tests
{
    private static readonly JsonNode Document = JsonNode.Parse("""{"a":{"b":[10,{"c":"x"}]},"m~n":1,"s/t":2,"":3,"n":null}""")!;

    [Theory]
    [InlineData("", """{"a":{"b":[10,{"c":"x"}]},"m~n":1,"s/t":2,"":3,"n":null}""")]
    [InlineData("/a/b/0", "10")]
    [InlineData("/a/b/1/c", "\"x\"")]
    [InlineData("/m~0n", "1")]
    [InlineData("/s~1t", "2")]
    [InlineData("/", "3")]
    public void A_pointer_finds_its_value(string pointer, string json)
    {
        Assert.True(JsonPointer.TryGet(Document, pointer, out var value));
        Assert.Equal(json, value!.ToJsonString());
    }

    [Theory]
    [InlineData("/a/b/2")]
    [InlineData("/a/b/01")]
    [InlineData("/a/x")]
    [InlineData("/a/b/0/c")]
    public void A_pointer_to_nothing_finds_nothing(string pointer) => Assert.False(JsonPointer.TryGet(Document, pointer, out _));

    [Fact]
    public void A_null_is_found_as_null() => Assert.True(JsonPointer.TryGet(Document, "/n", out var value) && value is null);

    [Fact]
    public void A_pointer_without_a_slash_is_refused_with_an_example() =>
        Assert.Contains("starts with /", Assert.Throws<FormatException>(() => JsonPointer.Parse("account_balance")).Message);

    [Fact]
    public void Setting_a_pointer_makes_the_objects_and_lists_on_the_way()
    {
        var body = JsonPointer.Set(null, "/items/0/id", JsonValue.Create("a"));
        body = JsonPointer.Set(body, "/items/1/id", JsonValue.Create("b"));
        body = JsonPointer.Set(body, "/name", JsonValue.Create("Mike"));
        Assert.Equal("""{"items":[{"id":"a"},{"id":"b"}],"name":"Mike"}""", body.ToJsonString());
    }

    [Theory]
    [InlineData(new[] { "@smoke" }, new[] { "@smoke" }, true)]
    [InlineData(new[] { "@smoke,@api" }, new[] { "@api" }, true)]
    [InlineData(new[] { "@smoke" }, new[] { "@api" }, false)]
    [InlineData(new[] { "not @slow" }, new[] { "@api" }, true)]
    [InlineData(new[] { "~@slow" }, new[] { "@slow" }, false)]
    [InlineData(new[] { "@api", "not @slow" }, new[] { "@api", "@slow" }, false)]
    [InlineData(new string[0], new[] { "@anything" }, true)]
    public void Tags_choose_the_scenarios(string[] filters, string[] tags, bool runs) =>
        Assert.Equal(runs, new TagFilter(filters).Allows(tags));

    [Theory]
    [InlineData("the pathh \"/a\" is \"b\"", "path \"…\" is \"…\"")]
    [InlineData("status was \"200\"", "status is \"…\"")]
    [InlineData("URL is invoked", "the URL is invoked")]
    public void An_unknown_step_is_answered_with_the_closest_known_ones(string text, string closest) =>
        Assert.Contains(closest, Vocabulary.Closest(text));

    [Theory]
    [InlineData("JSON Pointer \"/a\" isnt an empty list", "JSON Pointer \"…\" isn't an empty list")]
    [InlineData("JSON pointer \"/a\" in request is a random strin", "JSON Pointer \"…\" in request is a random string")]
    [InlineData("JSON Pointer \"/a\" is an integr \"1\"", "JSON Pointer \"…\" is an integer \"…\"")]
    [InlineData("XPath \"//a\" in reqest is \"1\"", "XPath \"…\" in request is \"…\"")]
    [InlineData("I store a format sting \"{a}\" under \"b\"", "I store a format string \"TEXT\" under \"NAME\"")]
    [InlineData("I sleep fr \"1\"", "I sleep for \"SECONDS\"")]
    [InlineData("namespace prefx \"s\" of \"urn:s\"", "namespace prefix \"…\" of \"…\"")]
    public void A_zato_sentence_with_a_typo_is_answered_with_the_sentence_meant(string text, string meant) =>
        Assert.Equal(meant, Vocabulary.Closest(text)[0]);

    [Fact]
    public void Every_spelling_of_a_sentence_means_that_sentence_and_no_other()
    {
        foreach (var step in Vocabulary.Steps)
            foreach (var spelling in step.Spellings)
            {
                var text = Regex.Replace(spelling, "\"[^\"]*\"", "\"x\"");
                var matches = Vocabulary.Steps.Where(s => s.Pattern.IsMatch(text)).Select(s => s.Phrase).ToList();
                Assert.True(matches is [var only] && only == step.Phrase, $"{text}: means {string.Join(" | ", matches)}, not {step.Phrase}");
            }
    }

    [Theory]
    [InlineData("path \"/a\" is \"b\"")]
    [InlineData("JSON Pointer \"/a\" is \"b\"")]
    [InlineData("json pointer \"/a\" is \"b\"")]
    public void A_json_path_is_written_path_or_json_pointer(string text) =>
        Assert.Single(Vocabulary.Steps, s => s.Pattern.IsMatch(text));

    [Theory]
    [InlineData("XPath \"//item[@id=\"7\"]\" is \"x\"", "//item[@id=\"7\"]", "XPath \"…\" is \"…\"")]
    [InlineData("XPath \"//item[@id=\"7\"]\" in request is \"x\"", "//item[@id=\"7\"]", "XPath \"…\" in request is \"…\"")]
    [InlineData("XPath \"//a\" is not one of \"x, \"y\"\"", "//a", "XPath \"…\" is not one of \"a, b\"")]
    public void An_xpath_holds_quotes_as_they_are(string text, string xpath, string phrase)
    {
        var step = Assert.Single(Vocabulary.Steps, s => s.Pattern.IsMatch(text));
        Assert.Equal((phrase, xpath), (step.Phrase, step.Pattern.Match(text).Groups["p"].Value));
    }

    [Fact]
    public void A_value_holds_quotes_as_they_are_or_escaped()
    {
        var zato = Vocabulary.Steps.Single(s => s.Phrase == "request is \"…\"").Pattern.Match("request is \"{\"a\": \"b\"}\"");
        Assert.Equal("{\"a\": \"b\"}", zato.Groups["v"].Value);
        var ours = Vocabulary.Steps.Single(s => s.Phrase == "request is \"…\"").Pattern.Match("request is \"{\\\"a\\\": 1}\"");
        Assert.Equal("{\\\"a\\\": 1}", ours.Groups["v"].Value);
    }

    [Fact]
    public void The_readme_lists_every_sentence_in_its_apitest_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var section = readme[readme.IndexOf("## API tests in English", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var listed = Regex.Matches(Regex.Replace(section, "```.*?```", "", RegexOptions.Singleline), "`([^`]+)`").Select(m => m.Groups[1].Value).ToHashSet();
        // A check or an "in request" value is listed once, for every kind of path it follows.
        var missing = Vocabulary.Steps.SelectMany(s => s.Spellings.Select(Shape))
            .Select(spelling => Regex.Replace(spelling, "^(?:path|json pointer|xpath|variable) \"…\" (?:in request )?", "")).Distinct()
            .Where(spelling => !listed.Any(l => Shape(l) == spelling)).ToList();
        Assert.True(missing.Count == 0, "the README's apitest section does not list: " + string.Join(" | ", missing));
    }

    // A sentence in the README may name its values ("FILE", "a, b") or write them as "…".
    private static string Shape(string sentence) => Regex.Replace(sentence, "\"[^\"]*\"", "\"…\"").ToLowerInvariant();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Integrations.sln"))) return folder.FullName;
        throw new InvalidOperationException("the repository's root (Integrations.sln) is not above the tests");
    }

    [Theory]
    [InlineData("a, b,c", new[] { "a", "b", "c" })]
    [InlineData("\"7\",\"8\",\"9\"", new[] { "7", "8", "9" })]
    [InlineData("\"a, b\", c", new[] { "a, b", "c" })]
    [InlineData("\"say \"\"hi\"\"\"", new[] { "say \"hi\"" })]
    [InlineData("", new string[0])]
    public void Comma_separated_items_read_as_zato_reads_them(string text, string[] items) =>
        Assert.Equal(items, Values.Csv(text));

    [Theory]
    [InlineData("16J", false, null)]
    [InlineData("16JD", true, null)]
    [InlineData("16-jd", true, null)]
    [InlineData("16JE", true, "the check symbol is 'E' where the value needs 'D'")]
    [InlineData("16U", false, "'U' is not a base32 symbol")]
    public void Crockfords_base32_is_checked_with_its_check_symbol(string text, bool checksum, string? problem) =>
        Assert.Equal(problem, Values.NotBase32Crockford(text, checksum));

    [Theory]
    [InlineData("1", "1.0", true)]
    [InlineData("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2],\"a\":1}", true)]
    [InlineData("[1,2]", "[2,1]", false)]
    [InlineData("true", "1", false)]
    [InlineData("null", "null", true)]
    [InlineData("\"1\"", "1", false)]
    public void Json_values_are_compared_as_values(string a, string b, bool same) =>
        Assert.Equal(same, Values.Same(JsonNode.Parse(a), JsonNode.Parse(b)));
}
