using Integrations.Bus.Edge;

namespace Integrations.Tests.Unit.Sdk;

public sealed class Reading_invoke_parameters
{
    [Theory]
    [InlineData("name=Mike", """{"name":"Mike"}""")]
    [InlineData("name = Mike \n city=Kraków\n\n# a comment", """{"name":"Mike","city":"Krak\u00F3w"}""")]
    [InlineData("""{"name": "Mike"}""", """{"name": "Mike"}""")]
    [InlineData("", "{}")]
    [InlineData("query=a=b", """{"query":"a=b"}""")]
    public void Key_value_lines_and_json_mean_the_same(string text, string json)
    {
        Assert.True(InvokeParameters.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(json, parsed);
    }

    [Theory]
    [InlineData("name=Mike\nno equals sign", "parameters, line 2: expected key=value, got 'no equals sign'")]
    [InlineData("a=1\na=2", "parameters, line 2: 'a' is given twice")]
    [InlineData("[1]", "parameters must be a JSON object, e.g. {\"name\": \"Mike\"}")]
    [InlineData("{\"name\": }", "parameters: malformed JSON at line 1, position 10")]
    public void Mistakes_are_named_with_their_line(string text, string expected)
    {
        Assert.False(InvokeParameters.TryParse(text, out _, out var error));
        Assert.StartsWith(expected, error);
    }
}
