using System.Text.Json.Nodes;
using System.Xml.Linq;
using Integrations.ApiTest;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.ApiTests;

[Collection(ServersCollection.Name)]
public sealed class Testing_apis_in_english(Servers servers)
{
    /// <summary>TUTORIAL.md step 9, as written there.</summary>
    private const string TutorialFeature = """
        Feature: Integrations Tutorial

        Scenario: *** Get User Details ***
            Given address "http://localhost:17010"
            Given URL path "/tutorial/api/get-user-details"
            Given REST method "GET"
            Given header "X-API-Key" "abc"
            When the URL is invoked
            Then status is "200"
            And path "/account_balance" is "357.9"
            And path "/account_no" is "123456"
            And path "/user_type" is "RGV"
        """;

    [Fact]
    public async Task The_tutorials_feature_passes_verbatim_against_a_node_set_up_as_the_tutorial_says()
    {
        // The repository ships the feature the README runs: the tutorial's, as written there.
        var shipped = await File.ReadAllTextAsync(Path.Combine(Dashboard.Using_the_dashboard.RepositoryRoot(), "tests", "features", "tutorial.feature"));
        Assert.Equal(TutorialFeature, shipped.TrimEnd().ReplaceLineEndings("\n"));
        Assert.True(Ports.IsFree(17010), "port 17010 is taken: the tutorial's feature calls http://localhost:17010, so stop the node running there (./run.sh stop) and run the tests again");
        await using var node = await TestNode.StartAsync(servers, "apitest-tutorial", o => o.ChannelsUrl = "http://127.0.0.1:17010", isolated: true, demo: true);
        await node.CreateAsync("/admin/outgoing/rest", """{"name":"CRM","address":"http://localhost:17010","url_path":"/tutorial/api/get-user","data_format":"json"}""");
        await node.CreateAsync("/admin/outgoing/rest", """{"name":"Billing","address":"http://localhost:17010","url_path":"/tutorial/api/balance/get","data_format":"json"}""");
        await node.CreateAsync("/admin/security", """{"name":"My API Key","type":"apikey"}""");
        await node.SetSecretAsync("My API Key", "abc");
        await node.CreateAsync("/admin/channels/rest", """{"name":"My REST Channel","service":"tutorial.get-user-details","security":"My API Key","url_path":"/tutorial/api/get-user-details","data_format":"json"}""");

        var (results, output) = await RunAsync(TutorialFeature);
        var scenario = Assert.Single(results.Scenarios);
        Assert.True(scenario.Passed, output);
        Assert.Equal(9, scenario.Steps.Count);
        Assert.Contains("    ✓ And path \"/user_type\" is \"RGV\"", output);
    }

    [Fact]
    public async Task Every_step_of_the_vocabulary_does_what_it_says()
    {
        await using var echo = await EchoAsync();
        var folder = Directory.CreateTempSubdirectory("esb-apitest-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "apitest.ini"), $"[server]\naddress = {echo.Url}\ntoken = from-config\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "order.json"), """{"customer":"Ann","quantity":2}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "expected.json"), """{ "method": "GET", "path": "/fixed", "query": "", "headers": {}, "body": "" }""");
        System.Environment.SetEnvironmentVariable("ESB_APITEST_AGENT", "agent-from-env");
        var feature = """
            Feature: The whole vocabulary

            Background:
                Given address "@config address"

            Scenario: Request parts reach the server
                Given URL path "/echo"
                And HTTP method "POST"
                And format "JSON"
                And header "X-One" "1"
                And user agent is "$ESB_APITEST_AGENT"
                And query string "?a=1&b=two"
                And Basic Auth "user" "pass word"
                And path "/name" in request is "Mike"
                And path "/age" in request is an integer "42"
                And path "/ratio" in request is a float "0.5"
                And path "/tags" in request is a list "a, b, c"
                And path "/items/0/id" in request is a random string
                And path "/number" in request is a random integer
                And path "/colour" in request is one of "red, green"
                And path "/day" in request is now "yyyy-MM-dd"
                And path "/token" in request is "@config token"
                When the URL is invoked
                Then status is "200"
                And path "/method" is "POST"
                And path "/query" is "?a=1&b=two"
                And path "/headers/x-one" is "1"
                And path "/headers/user-agent" is "agent-from-env"
                And path "/headers/authorization" is "Basic dXNlcjpwYXNzIHdvcmQ="
                And path "/json/name" is "Mike"
                And path "/json/age" is an integer "42"
                And path "/json/ratio" is a float "0.5"
                And path "/json/tags" is a list "a, b, c"
                And path "/json/items/0/id" is any string
                And path "/json/items/0/id" is not empty
                And path "/json/colour" is one of "red, green"
                And path "/json/colour" is not one of "blue, black"
                And path "/json/token" is "from-config"
                And path "/json/tags" contains "b"
                And path "/json/name" contains "ik"
                And path "/empty_list" is empty
                And path "/empty_text" is empty
                And path "/yes" is true
                And path "/no" is false
                And path "/nothing" is null
                And header "X-Echo" is "echoed"
                And header "X-Echo" is not "other"
                And header "X-Echo" contains "cho"
                And header "X-Echo" does not contain "zzz"
                And header "X-Echo" starts with "ech"
                And header "X-Echo" ends with "oed"
                And header "X-Echo" exists
                And header "X-Absent" does not exist
                And header "X-Empty" is empty
                And header "X-Echo" is not empty
                And I store "/json/name" from response under "who"
                And I store "/json/missing" from response under "fallback", default "none"

            Scenario: Stored values, request bodies from text and files, whole responses
                Given URL path "/echo"
                And REST method "POST"
                And request is "{\"who\": \"#who\"}"
                And I store "kept" under "label"
                And query string "#fallback"
                When the URL is invoked
                Then path "/body" is "{\"who\": \"#who\"}"
                And path "/query" is "?none"

            Scenario: A body from a file, a form, and a response compared with a file
                Given URL path "/echo"
                And REST method "PUT"
                And request "order.json"
                When the URL is invoked
                Then path "/json/customer" is "Ann"
                And path "/json/quantity" is an integer "2"

            Scenario: Form bodies
                Given URL path "/echo"
                And REST method "POST"
                And format "FORM"
                And path "/name" in request is "Mike Smith"
                And path "/city" in request is "#label"
                When the URL is invoked
                Then path "/form/name" is "Mike Smith"
                And path "/form/city" is "kept"
                And path "/headers/content-type" contains "application/x-www-form-urlencoded"

            Scenario: A whole response
                Given URL path "/fixed"
                When the URL is invoked
                Then response is equal to that from "expected.json"
                And response is equal to "{\"method\":\"GET\",\"path\":\"/fixed\",\"query\":\"\",\"headers\":{},\"body\":\"\"}"
                And context is cleaned up

            Scenario Outline: Outlines run once per example, with the tags asked for
                Given URL path "/echo/<id>"
                When the URL is invoked
                Then path "/path" is "/echo/<id>"

                @smoke
                Examples:
                    | id |
                    | 1  |
                    | 2  |

                @slow
                Examples:
                    | id |
                    | 3  |
            """;
        var (results, output) = await RunAsync(feature, folder, new TagFilter(["not @slow"]));
        Assert.All(results.Scenarios, s => Assert.True(s.Passed, output));
        Assert.Equal(["Request parts reach the server", "Stored values, request bodies from text and files, whole responses",
            "A body from a file, a form, and a response compared with a file", "Form bodies", "A whole response",
            "Outlines run once per example, with the tags asked for (id=1)", "Outlines run once per example, with the tags asked for (id=2)"],
            results.Scenarios.Select(s => s.Name));

        // That every sentence of the vocabulary, Zato's included, is used is the Zato feature's test's to show.

        // After "context is cleaned up", stored values are gone.
        (results, output) = await RunAsync(feature.Replace("Then response is equal to that from \"expected.json\"", "Then response is equal to that from \"expected.json\"\n        And context is cleaned up\n        And I store \"#who\" under \"again\""), folder, new TagFilter([]));
        Assert.Contains("nothing was stored under 'who'", output);
    }

    [Fact]
    public async Task A_failing_step_says_what_was_expected_and_what_came_back_and_the_rest_are_skipped()
    {
        await using var echo = await EchoAsync();
        var feature = $$"""
            Feature: Written to fail

            Scenario: Wrong status
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then status is "201"
                And path "/method" is "GET"

            Scenario: Wrong value
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then path "/method" is "DELETE"

            Scenario: Missing path
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then path "/nope/0" is "x"

            Scenario: Wrong integer
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then path "/method" is an integer "5"

            Scenario: Wrong header
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then header "X-Echo" is "other"

            Scenario: Missing header
                Given address "{{echo.Url}}"
                And URL path "/echo"
                When the URL is invoked
                Then header "X-Nope" exists

            Scenario: Wrong list
                Given address "{{echo.Url}}"
                And URL path "/echo"
                And path "/tags" in request is a list "a, b"
                And REST method "POST"
                When the URL is invoked
                Then path "/json/tags" is a list "b, a"

            Scenario: Unknown step
                Given address "{{echo.Url}}"
                And the pathh "/a" is "b"

            Scenario: Nobody listens
                Given address "http://127.0.0.1:1"
                When the URL is invoked
            """;
        var (results, output) = await RunAsync(feature);
        Assert.All(results.Scenarios, s => Assert.False(s.Passed));
        StepResult Failed(string scenario) => results.Scenarios.Single(s => s.Name == scenario).Steps.Single(s => s.Outcome == StepOutcome.Failed);

        Assert.Equal(("\"201\"", "\"200\""), (Failed("Wrong status").Expected, Failed("Wrong status").Actual));
        Assert.Equal(StepOutcome.Skipped, results.Scenarios[0].Steps[^1].Outcome);
        Assert.Equal(("\"DELETE\"", "\"GET\""), (Failed("Wrong value").Expected, Failed("Wrong value").Actual));
        Assert.Equal("(no such path in the response)", Failed("Missing path").Actual);
        Assert.Equal(("an integer 5", "\"GET\""), (Failed("Wrong integer").Expected, Failed("Wrong integer").Actual));
        Assert.Equal(("\"other\"", "\"echoed\""), (Failed("Wrong header").Expected, Failed("Wrong header").Actual));
        Assert.Equal("(no such header)", Failed("Missing header").Actual);
        Assert.Equal(("[b, a]", """["a","b"]"""), (Failed("Wrong list").Expected, Failed("Wrong list").Actual));
        Assert.Contains("unknown step \"the pathh \"/a\" is \"b\"\"", Failed("Unknown step").Message);
        Assert.Contains("path \"…\" is \"…\"", Failed("Unknown step").Message);
        Assert.Contains("GET http://127.0.0.1:1/ failed", Failed("Nobody listens").Message);
        Assert.Contains("""
                ✗ Then path "/method" is "DELETE"   (line 14)
                    path /method
                    expected: "DELETE"
                    actual:   "GET"
            """.Replace("\r", ""), output.Replace("\r", ""));

        // The JUnit report: valid XML a CI system reads, one failure per scenario, with the expectation.
        var xml = XDocument.Parse(JUnitReport.Of([results]).ToString());
        var suite = xml.Root!.Element("testsuite")!;
        Assert.Equal("9", suite.Attribute("tests")!.Value);
        Assert.Equal("9", suite.Attribute("failures")!.Value);
        var failure = suite.Elements("testcase").Single(t => t.Attribute("name")!.Value == "Wrong value").Element("failure")!;
        Assert.Contains("expected: \"DELETE\"", failure.Value);
        Assert.Contains("actual:   \"GET\"", failure.Value);
    }

    [Fact]
    public async Task A_feature_that_is_not_gherkin_is_reported_with_its_line()
    {
        var (results, output) = await RunAsync("Feature: Broken\n\n  Scenario: x\n    Given address \"a\"\n  | not | a | table\n    Whatever this is\n");
        Assert.NotNull(results.Error);
        Assert.Contains("test.feature:6:5: expected: #EOF, #TableRow", output);
    }

    private static async Task<(FeatureResult Results, string Output)> RunAsync(string feature, string? folder = null, TagFilter? tags = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var output = new StringWriter();
        var directory = folder ?? Path.GetTempPath();
        var result = await new FeatureRunner(http, output).RunAsync("test.feature", feature, directory, ApiTestConfig.For(directory), tags ?? new TagFilter([]), CancellationToken.None);
        return (result, output.ToString());
    }

    /// <summary>Answers every request with what it received, as JSON, plus some fixed headers and values to check.</summary>
    private static Task<TestHttpServer> EchoAsync() => TestHttpServer.StartAsync(app =>
    {
        app.Map("/fixed", (HttpContext http) => Results.Text("""{"method":"GET","path":"/fixed","query":"","headers":{},"body":""}""", "application/json"));
        app.Map("/{**rest}", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var answer = new JsonObject
            {
                ["method"] = http.Request.Method,
                ["path"] = http.Request.Path.Value,
                ["query"] = http.Request.QueryString.Value,
                ["headers"] = new JsonObject(http.Request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)JsonValue.Create(h.Value.ToString())))),
                ["body"] = body,
                ["empty_list"] = new JsonArray(),
                ["empty_text"] = "",
                ["yes"] = true,
                ["no"] = false,
                ["nothing"] = null,
            };
            if (http.Request.ContentType?.StartsWith("application/json") == true) answer["json"] = JsonNode.Parse(body);
            if (http.Request.HasFormContentType)
                answer["form"] = new JsonObject(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body)
                    .Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value.ToString()))));
            http.Response.Headers["X-Echo"] = "echoed";
            http.Response.Headers["X-Empty"] = "";
            return Results.Json(answer);
        });
    });
}
