using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Integrations.ApiTest;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.ApiTests;

/// <summary>
/// Suites written in Zato's apitest vocabulary run as they are: its spellings, its layout (config.ini, json/request,
/// xml/response…), JSON and XML/SOAP, against an echo server the test starts.
/// </summary>
public sealed class Suites_written_for_zato
{
    [Fact]
    public async Task Every_sentence_of_the_vocabulary_does_what_it_says_against_an_echo_server()
    {
        var received = new ConcurrentQueue<Received>();
        await using var echo = await EchoAsync(received);
        var folder = CopyOfTheSuite(echo.Url);

        var (results, output) = await RunAsync(Path.Combine(folder, "vocabulary.feature"));

        Assert.Null(results.Error);
        Assert.All(results.Scenarios, s => Assert.True(s.Passed, output));
        Assert.Equal(15, results.Scenarios.Count);
        Assert.DoesNotContain("unknown step", output);

        // Every sentence of the vocabulary, ours and Zato's, was used at least once, and each step meant one sentence only.
        var used = results.Scenarios.SelectMany(s => s.Steps).Select(s => s.Text.Trim()).Distinct().ToList();
        var background = "address \"@address\"";
        var notUsed = Vocabulary.Steps.Where(d => !used.Any(text => d.Pattern.IsMatch(text))).Select(d => d.Phrase).ToList();
        Assert.True(notUsed.Count == 0, "not used by the feature: " + string.Join(" | ", notUsed));
        Assert.All(used, text => Assert.True(Vocabulary.Steps.Count(d => d.Pattern.IsMatch(text)) == 1, $"more than one sentence matches: {text}"));
        Assert.Contains(background, used);

        // What the server received: values of the right types, dates as the formats say, SOAP as each version wants it.
        var json = JsonNode.Parse(received.First(r => r.Path == "/echo" && r.Body.Contains("\"dicts\"", StringComparison.Ordinal)).Body)!;
        Assert.Equal("as given", (string?)json["kept"]);
        Assert.Equal("""[{"k1":"v1","k2":2},{"k3":null,"k4":[1,2.5,true]}]""", json["dicts"]!.ToJsonString());
        Assert.Equal("""[1,"two",3]""", json["typed"]!.ToJsonString());
        Assert.Equal(DateTimeOffset.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)json["day"]);
        AssertNear(DateTimeOffset.UtcNow, Parse((string)json["utc"]!, "yyyy-MM-ddTHH:mm:ss"));
        AssertNear(DateTimeOffset.UtcNow.AddHours(-1), Parse((string)json["earlier"]!, "yyyy-MM-ddTHH:mm:ss"));
        AssertNear(DateTimeOffset.Now.AddMinutes(90), Parse((string)json["later"]!, "yyyy-MM-dd HH:mm", DateTimeOffset.Now.Offset), minutes: 1.1);
        Assert.True(Parse((string)json["after"]!, "yyyy-MM-ddTHH:mm:ss") > new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.True(Parse((string)json["before"]!, "yyyy-MM-ddTHH:mm:ss") < new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var between = Parse((string)json["between"]!, "yyyy-MM-dd HH:mm");
        Assert.InRange(between, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 12, 31, 0, 0, 0, TimeSpan.Zero));
        Assert.Matches("^esb-[0-9a-f]{12}$", (string?)json["name"]);
        Assert.Equal('4', ((string)json["id4"]!)[12]);

        var soap11 = received.Single(r => r.Path == "/xml" && r.Body.Contains(XmlPaths.Soap11, StringComparison.Ordinal));
        Assert.Equal("\"urn:esb:update\"", soap11.SoapAction);
        Assert.Equal("text/xml; charset=utf-8", soap11.ContentType);
        var sent = XDocument.Parse(soap11.Body);
        XNamespace c = "urn:esb:customers";
        Assert.Equal("7", sent.Descendants(c + "update").Single().Attribute("id")!.Value);
        Assert.Equal(["Ann", "0.5", "true", "false"], new[] { "name", "ratio", "active", "inactive" }.Select(n => sent.Descendants(c + n).Single().Value));
        AssertNear(DateTimeOffset.UtcNow.AddHours(-1), Parse(sent.Descendants(c + "earlier").Single().Value, "yyyy-MM-ddTHH:mm:ss"));
        var soap12 = received.Single(r => r.Path == "/xml" && r.Body.Contains(XmlPaths.Soap12, StringComparison.Ordinal));
        Assert.Null(soap12.SoapAction);
        Assert.Equal("application/soap+xml; charset=utf-8; action=\"urn:esb:get\"", soap12.ContentType);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", soap12.Body);
    }

    [Fact]
    public async Task A_step_of_every_family_that_does_not_hold_says_what_was_expected_and_what_came_back()
    {
        await using var echo = await EchoAsync(new());
        var folder = CopyOfTheSuite(echo.Url);

        var (results, output) = await RunAsync(Path.Combine(folder, "failing.feature"));

        Assert.Null(results.Error);
        Assert.All(results.Scenarios, s => Assert.False(s.Passed, $"{s.Name} passed:\n{output}"));
        (string Message, string? Expected, string? Actual) Failed(string scenario)
        {
            var step = results.Scenarios.Single(s => s.Name == scenario).Steps.Single(s => s.Outcome == StepOutcome.Failed);
            return (step.Message!, step.Expected, step.Actual);
        }
        var expectations = new (string Scenario, string Message, string? Expected, string? Actual)[]
        {
            ("is", "path /text", "\"goodbye\"", "\"hello world\""),
            ("is, with literal_eval", "path /objects", """[{"id":1,"name":"x"}]""", """[{"id":1,"name":"a"},{"id":2,"name":"b"}]"""),
            ("is JSON", "path /objects/0", """{"id":2}""", """{"id":1,"name":"a"}"""),
            ("is JSON equal to that from a file", "path /objects/0", """[{"name":"a","id":1},{"id":2.0,"name":"b"}]""", """{"id":1,"name":"a"}"""),
            ("isn't", "path /text", "not \"hello world\"", "\"hello world\""),
            ("is a string", "path /integer", "the string \"42\"", "42"),
            ("is an integer", "path /real", "an integer 2", "2.5"),
            ("is a float", "path /real", "a number 3.5", "2.5"),
            ("is any integer", "path /text", "an integer", "\"hello world\""),
            ("is any float", "path /integer", "a number with a fraction (a float)", "42"),
            ("is any string", "path /integer", "a string", "42"),
            ("is any bool", "path /nothing", "true or false", "null"),
            ("is any list", "path /empty_dict", "a list", "{}"),
            ("is any dict", "path /empty_list", "a dict (a JSON object)", "[]"),
            ("is a UUID", "path /text", "a UUID", "\"hello world\""),
            ("is any UUID4", "path /uuid1", "a version 4 UUID", "\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\""),
            ("is a list", "path /objects", "[a, b]", """[{"id":1,"name":"a"},{"id":2,"name":"b"}]"""),
            ("is empty", "path /text", "empty", "\"hello world\""),
            ("isn't empty", "path /empty_text", "not empty", "\"\""),
            ("is an empty list", "path /objects", "[]", """[{"id":1,"name":"a"},{"id":2,"name":"b"}]"""),
            ("isn't an empty list", "path /empty_list", "a list that is not empty", "[]"),
            ("is an empty dict", "path /empty_list", "{}", "[]"),
            ("is one of", "path /text", "one of a, b", "\"hello world\""),
            ("isn't one of", "path /text", "none of hello world, x", "\"hello world\""),
            ("contains", "path /objects", "containing {\"id\": 3}", """[{"id":1,"name":"a"},{"id":2,"name":"b"}]"""),
            ("contains data from a file", "path /empty_list", """a list with {"id":1,"name":"a"}""", "[]"),
            ("starts with", "path /text", "a string starting with \"world\"", "\"hello world\""),
            ("starts with any of", "path /text", "a string starting with one of x, y", "\"hello world\""),
            ("ends with", "path /text", "a string ending with \"hello\"", "\"hello world\""),
            ("is True", "path /no", "true", "false"),
            ("is False", "path /yes", "false", "true"),
            ("is null", "path /yes", "null", "true"),
            ("is a BASE32 Crockford", "path /crockford_wrong", "Crockford's base32 with a check symbol (the check symbol is 'E' where the value needs 'D')", "\"16JE\""),
            ("is base64 JSON", "path /encoded", "base64 JSON whose /response/echo_request is \"adios\"", "base64 JSON whose /response/echo_request is \"hola\""),
            ("a path that is not there", "path /nope/0", "is \"x\"", "(no such path in the response)"),
            ("XPath is", "XPath //e:text", "\"goodbye\"", "\"hello world\""),
            ("XPath is an integer", "XPath //e:text", "an integer 5", "\"hello world\""),
            ("XPath is empty", "XPath //e:text", "empty", "\"hello world\""),
            ("XPath isn't empty", "XPath //e:empty", "not empty", "\"\""),
            ("XPath is one of", "XPath //e:text", "one of a, b", "\"hello world\""),
            ("XPath is True", "XPath //e:text", "true", "\"hello world\""),
            ("an XPath that finds nothing", "XPath //e:nope", "is \"x\"", "(the XPath finds nothing in the response)"),
            ("variable is", "variable #text", "\"goodbye\"", "\"hello world\""),
            ("variable is an integer", "variable #text", "an integer 1", "\"hello world\""),
            ("variable is an empty list", "variable #text", "[]", "\"hello world\""),
            ("header is", "header X-Echo", "\"other\"", "\"echoed\""),
            ("header doesn't start with", "header X-Echo", "not starting with \"ech\"", "\"echoed\""),
            ("a header that is not there", "header X-Nope", "\"x\"", "(no such header)"),
            ("status", "status", "\"201\"", "\"200\""),
            ("JSON response is equal to", "response", "{\"a\": 1}", null),
            ("response is equal to that from a file", "response", null, null),
            ("JSON response does not exist", "response", "nothing (an empty body, null, {}, [] or \"\")", null),
        };
        Assert.All(expectations, e =>
        {
            var (message, expected, actual) = Failed(e.Scenario);
            Assert.True(message == e.Message, $"{e.Scenario}: message {message}\n{output}");
            if (e.Expected is not null) Assert.True(expected == e.Expected, $"{e.Scenario}: expected {expected}, not {e.Expected}\n{output}");
            if (e.Actual is not null) Assert.True(actual == e.Actual, $"{e.Scenario}: actual {actual}, not {e.Actual}\n{output}");
        });
        Assert.StartsWith("{\"method\":\"GET\"", Failed("JSON response is equal to").Actual);
        Assert.Contains("<answer>", Failed("response is equal to that from a file").Expected);

        // Mistakes in the steps themselves are named as such.
        Assert.Equal("\"many\" is not an integer", Failed("an integer that is not one").Message);
        Assert.StartsWith("\"[1, 2\" is not a Python literal: at character 6 expected ',' or ']', found the end", Failed("a literal that is not one").Message);
        Assert.Equal("XPath //zz:text: the prefix zz has no namespace; add Given namespace prefix \"zz\" of \"…\" before this step", Failed("a prefix nobody declared").Message);
        Assert.Equal("XPath //c:name finds nothing in the request", Failed("an XPath the request does not have").Message);
        Assert.StartsWith("XPath //e:item finds 2 nodes; make it find one", Failed("an XPath that finds two nodes").Message);
        Assert.StartsWith("\"soon\" is not a length of time", Failed("an interval that is not one").Message);
        Assert.StartsWith("\"Q\" is neither a date format named by date format", Failed("a date format that is not one").Message);
        Assert.Equal("#gone: nothing was stored under 'gone' (I store \"…\" under \"gone\")", Failed("a value that was not stored").Message);
        Assert.Equal("@missing: " + Path.Combine(folder, "config.ini") + " has no value named missing", Failed("a config value that is not there").Message);
        Assert.StartsWith("no file nope.json: looked beside the feature", Failed("a request file that is not there").Message);

        // A Zato sentence written with a typo is answered with the sentence meant.
        var unknown = Failed("a Zato sentence with a typo").Message;
        Assert.StartsWith("unknown step \"JSON Pointer \"/text\" isnt an empty list\"; the closest known steps: JSON Pointer \"…\" isn't an empty list", unknown);
    }

    private static DateTimeOffset Parse(string text, string format, TimeSpan? offset = null) =>
        new(DateTime.ParseExact(text, format, CultureInfo.InvariantCulture), offset ?? TimeSpan.Zero);

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual, double minutes = 0.5) =>
        Assert.True(Math.Abs((expected - actual).TotalMinutes) <= minutes, $"{actual:O} is not within {minutes} minutes of {expected:O}");

    /// <summary>The suite as Zato lays one out (features, config.ini, json/, xml/, raw/, form/), in a fresh folder, its config.ini naming the echo server.</summary>
    private static string CopyOfTheSuite(string address)
    {
        var source = Path.Combine(Dashboard.Using_the_dashboard.RepositoryRoot(), "tests", "Integrations.Tests.Integration", "ApiTests", "Zato");
        var target = Directory.CreateTempSubdirectory("esb-apitest-zato-").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        File.WriteAllText(Path.Combine(target, "config.ini"), $"[behave]\noptions=--format pretty\n\n[user]\naddress={address}\n");
        return target;
    }

    private static async Task<(FeatureResult Results, string Output)> RunAsync(string feature)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var output = new StringWriter();
        var result = await new FeatureRunner(http, output).RunFileAsync(feature, new TagFilter([]), CancellationToken.None);
        return (result, output.ToString());
    }

    private sealed record Received(string Path, string? ContentType, string? SoapAction, string Body);

    private const string EchoNs = "urn:esb:echo";
    private static readonly string Encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"response": {"echo_request": "hola"}}"""));

    /// <summary>
    /// Answers with what it received, plus values of every kind to check: /echo as JSON, /xml as XML (a SOAP request in
    /// an envelope of its version), /fixed and /fixed.xml always the same, /empty with nothing.
    /// </summary>
    private static Task<TestHttpServer> EchoAsync(ConcurrentQueue<Received> received) => TestHttpServer.StartAsync(app =>
    {
        app.Map("/fixed", () => Results.Text("""{"answer":{"bool1":false,"bool2":true},"count":3}""", "application/json"));
        app.Map("/fixed.xml", () => Results.Text("""<answer><item id="1">one</item><item id="2">two</item></answer>""", "application/xml"));
        app.Map("/empty", () => Results.Text("", "application/json"));
        app.Map("/xml", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var soapAction = http.Request.Headers.TryGetValue("SOAPAction", out var action) ? action.ToString() : null;
            received.Enqueue(new("/xml", http.Request.ContentType, soapAction, body));
            XNamespace e = EchoNs;
            var request = body.Length == 0 ? null : XDocument.Parse(body);
            var ns = request?.Root?.Name.LocalName == "Envelope" ? request.Root.Name.Namespace : null;
            var sent = ns is null ? request?.Root : request!.Root!.Element(ns + "Body")?.Elements().FirstOrDefault();
            var answer = new XElement(e + "echo", new XAttribute(XNamespace.Xmlns + "e", EchoNs),
                new XElement(e + "soapAction", soapAction ?? ""),
                new XElement(e + "contentType", http.Request.ContentType ?? ""),
                new XElement(e + "text", "hello world"),
                new XElement(e + "empty"),
                new XElement(e + "crockford", "16JD"),
                new XElement(e + "encoded", Encoded),
                new XElement(e + "item", "1"), new XElement(e + "item", "2"),
                new XElement(e + "request", sent));
            var document = ns is null ? answer : new XElement(ns + "Envelope", new XAttribute(XNamespace.Xmlns + "env", ns.NamespaceName), new XElement(ns + "Body", answer));
            var type = ns?.NamespaceName switch { XmlPaths.Soap11 => "text/xml", XmlPaths.Soap12 => "application/soap+xml", _ => "application/xml" };
            return Results.Text(document.ToString(SaveOptions.DisableFormatting), type);
        });
        app.Map("/{**rest}", async (HttpContext http) =>
        {
            http.Request.EnableBuffering();
            var body = await new StreamReader(http.Request.Body, leaveOpen: true).ReadToEndAsync();
            http.Request.Body.Position = 0;
            received.Enqueue(new(http.Request.Path.Value!, http.Request.ContentType, null, body));
            var answer = new JsonObject
            {
                ["method"] = http.Request.Method,
                ["path"] = http.Request.Path.Value,
                ["query"] = http.Request.QueryString.Value,
                ["headers"] = new JsonObject(http.Request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)JsonValue.Create(h.Value.ToString())))),
                ["body"] = body,
                ["text"] = "hello world",
                ["integer"] = 42,
                ["real"] = 2.5,
                ["uuid"] = "0f8fad5b-d9cb-469f-a165-70867728950e",
                ["uuid1"] = "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                ["crockford"] = "16JD",
                ["crockford_plain"] = "16J",
                ["crockford_wrong"] = "16JE",
                ["encoded"] = Encoded,
                ["objects"] = JsonNode.Parse("""[{"id":1,"name":"a"},{"id":2,"name":"b"}]"""),
                ["empty_list"] = new JsonArray(),
                ["empty_dict"] = new JsonObject(),
                ["empty_text"] = "",
                ["yes"] = true,
                ["no"] = false,
                ["nothing"] = null,
            };
            if (http.Request.ContentType?.StartsWith("application/json") == true && body.Length > 0) answer["json"] = JsonNode.Parse(body);
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync();
                answer["form"] = new JsonObject(form.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value.ToString()))));
                var files = new JsonObject();
                foreach (var file in form.Files) files[file.Name] = await new StreamReader(file.OpenReadStream()).ReadToEndAsync();
                answer["files"] = files;
            }
            http.Response.Headers["X-Echo"] = "echoed";
            http.Response.Headers["X-Empty"] = "";
            return Results.Json(answer);
        });
    });
}
