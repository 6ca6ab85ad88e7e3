using System.Text.Json.Nodes;
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
}
