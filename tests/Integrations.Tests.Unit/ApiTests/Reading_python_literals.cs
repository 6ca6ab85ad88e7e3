using System.Text.Json.Nodes;
using Integrations.ApiTest;

namespace Integrations.Tests.Unit.ApiTests;

public sealed class Reading_python_literals
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("-17", "-17")]
    [InlineData("1_000", "1000")]
    [InlineData("0x1F", "31")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("2.5", "2.5")]
    [InlineData("1e3", "1000")]
    [InlineData("True", "true")]
    [InlineData("False", "false")]
    [InlineData("None", "null")]
    [InlineData("'it''s'", "\"its\"")]
    [InlineData("'don\\'t'", "\"don't\"")]
    [InlineData("\"tab\\there\"", "\"tab\\there\"")]
    [InlineData("u'unicode \\u00e9'", "\"unicode é\"")]
    [InlineData("r'C:\\new'", "\"C:\\\\new\"")]
    [InlineData("'a' 'b'", "\"ab\"")]
    [InlineData("[1, 'two', 3.0, None]", "[1,\"two\",3,null]")]
    [InlineData("[1, 2,]", "[1,2]")]
    [InlineData("(1,)", "[1]")]
    [InlineData("()", "[]")]
    [InlineData("(1)", "1")]
    [InlineData("{1, 2}", "[1,2]")]
    [InlineData("{}", "{}")]
    [InlineData("{'a': 1, \"b\": [True, {'c': None}]}", "{\"a\":1,\"b\":[true,{\"c\":null}]}")]
    [InlineData("{1: 'one', True: 'yes'}", "{\"1\":\"one\",\"true\":\"yes\"}")]
    [InlineData("  [ {'k1':'v1', 'k2':'v2'} , {'k3':'v3'} ]  ", "[{\"k1\":\"v1\",\"k2\":\"v2\"},{\"k3\":\"v3\"}]")]
    public void A_literal_reads_as_the_JSON_value_it_stands_for(string literal, string json) =>
        Assert.Equal(json, Show(PythonLiteral.Parse(literal)));

    [Theory]
    [InlineData("[1, 2", "at character 6 expected ',' or ']', found the end")]
    [InlineData("{'a' 1}", "at character 6 expected ':' (a dict) or ',' (a set), found '1'")]
    [InlineData("'open", "expected the closing ', found the end")]
    [InlineData("name", "expected a value, not the name name (write text in quotes: 'name')")]
    [InlineData("1 2", "expected nothing more (the value ended before), found '2'")]
    [InlineData("", "expected a value (a number, 'text', True, False, None, [list], (tuple) or {dict}), found the end")]
    public void What_is_not_a_literal_is_refused_saying_where_and_what_was_expected(string literal, string message)
    {
        var error = Assert.Throws<FormatException>(() => PythonLiteral.Parse(literal));
        Assert.StartsWith($"\"{literal}\" is not a Python literal", error.Message);
        Assert.Contains(message, error.Message);
    }

    private static string Show(JsonNode? value) => value is null ? "null" : value.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
