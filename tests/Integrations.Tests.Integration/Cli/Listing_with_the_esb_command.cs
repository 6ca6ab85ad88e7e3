using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Cli;

/// <summary><c>esb services</c>, <c>esb deployments</c> and each kind's <c>list</c>: tables for people, JSON for scripts.</summary>
[Collection(ServersCollection.Name)]
public sealed class Listing_with_the_esb_command(Servers servers)
{
    private static string Greeter(string greeting) => $$"""
        namespace Acme.Cli;

        [Service("cli.greet")]
        public sealed class Greet : Service<Greet.Input, string>
        {
            public sealed record Input(string Name);

            protected override Task<string> Handle(Input input, ServiceContext ctx) => Task.FromResult("{{greeting}} " + input.Name);
        }
        """;

    private static async Task DeployAsync(TestNode node, string file, string source)
    {
        var response = await node.Admin.PostAsync("/admin/deployments", AdminCalls.Json(new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["name"] = file, ["source"] = source }),
        }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The row whose first column is <paramref name="name"/>.</summary>
    private static string Row(CliRun run, string name) =>
        run.OutLines.SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no row {name}\n{run}");

    private static void AssertHeader(CliRun run, params string[] headers) =>
        Assert.Matches("^" + string.Join("  +", headers) + "$", run.OutLines[0]);

    /// <summary>Each row's cell of a left-aligned column starts where the column's name does in the header.</summary>
    private static void AssertCellsStartUnder(CliRun run, params string[] headers)
    {
        var header = run.OutLines[0];
        foreach (var name in headers)
        {
            var start = header.IndexOf("  " + name, StringComparison.Ordinal) + 2;
            Assert.True(start >= 2, $"no column {name}:\n{run.Out}");
            foreach (var row in run.OutLines.Skip(1))
                Assert.True(row.Length > start && row[start] != ' ' && row[start - 1] == ' ', $"column {name} is not aligned:\n{run.Out}");
        }
    }

    [Fact]
    public async Task Services_are_listed_with_their_origin()
    {
        await using var node = await TestNode.StartAsync(servers, "cli", isolated: true);
        await DeployAsync(node, "greet.cs", Greeter("Hello"));
        var cli = EsbCli.For(node);

        var table = await cli.RunAsync("services");

        Assert.True(table.ExitCode == 0, table.ToString());
        AssertHeader(table, "NAME", "ORIGIN", "REQUIRED_INPUT", "TIMEOUT", "RUNS", "MEAN");
        AssertCellsStartUnder(table, "ORIGIN", "REQUIRED_INPUT");
        Assert.Matches(@"^demo\.hello\s+built-in\s+none\s+30 s\s+0$", Row(table, "demo.hello"));
        Assert.Matches(@"^cli\.greet\s+deployed v1\s+name\s+30 s\s+0$", Row(table, "cli.greet"));
        Assert.Equal(table.OutLines.Skip(1).OrderBy(l => l, StringComparer.Ordinal), table.OutLines.Skip(1));

        var json = await cli.RunAsync("services", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var greet = JsonNode.Parse(json.Out)!.AsArray().Single(s => (string?)s!["name"] == "cli.greet")!;
        Assert.Equal("deployed v1", (string?)greet["origin"]);
        Assert.Equal(["name"], greet["required_input"]!.AsArray().Select(f => (string?)f));

        var one = await cli.RunAsync("services", "show", "demo.hello");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal("built-in", (string?)JsonNode.Parse(one.Out)!["origin"]);
    }

    [Fact]
    public async Task Deployments_are_listed_newest_first_with_their_services_files_author_and_time()
    {
        await using var node = await TestNode.StartAsync(servers, "cli", isolated: true);
        var cli = EsbCli.For(node);

        var none = await cli.RunAsync("deployments");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal(["nothing was deployed yet"], none.OutLines);

        await DeployAsync(node, "greet.cs", Greeter("Hello"));
        await DeployAsync(node, "greet-again.cs", Greeter("Howdy"));
        var table = await cli.RunAsync("deployments");

        Assert.True(table.ExitCode == 0, table.ToString());
        AssertHeader(table, "VERSION", "SERVICES", "FILES", "BY", "WHEN");
        AssertCellsStartUnder(table, "SERVICES", "FILES", "BY", "WHEN");
        Assert.Equal(3, table.OutLines.Length);
        Assert.Matches(@"^\s+2\s+cli\.greet\s+greet-again\.cs\s+admin\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", table.OutLines[1]);
        Assert.Matches(@"^\s+1\s+cli\.greet\s+greet\.cs\s+admin\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", table.OutLines[2]);

        var json = await cli.RunAsync("deployments", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([2L, 1L], JsonNode.Parse(json.Out)!.AsArray().Select(d => d!["version"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_kind_is_listed_as_a_table_of_what_each_object_is_and_an_empty_kind_says_so()
    {
        await using var node = await TestNode.StartAsync(servers, "cli", isolated: true);
        await node.CreateAsync("/admin/security", """{"name": "CRM key", "type": "apikey"}""");
        await node.CreateAsync("/admin/outgoing/rest", """{"name": "CRM", "address": "http://localhost:1", "url_path": "/users/{id}", "security": "CRM key"}""");
        await node.CreateAsync("/admin/outgoing/rest", """{"name": "Billing", "address": "http://billing.example.com:8080", "url_path": "/balance", "is_active": false}""");
        var cli = EsbCli.For(node);

        var table = await cli.RunAsync("outgoing_rest", "list");

        Assert.True(table.ExitCode == 0, table.ToString());
        AssertHeader(table, "NAME", "ADDRESS", "URL_PATH", "SECURITY", "ACTIVE");
        AssertCellsStartUnder(table, "ADDRESS", "URL_PATH", "SECURITY", "ACTIVE");
        Assert.Equal(3, table.OutLines.Length);
        Assert.Matches(@"^CRM\s+http://localhost:1\s+/users/\{id\}\s+CRM key\s+yes$", Row(table, "CRM"));
        Assert.Matches(@"^Billing\s+http://billing\.example\.com:8080\s+/balance\s+none\s+no$", Row(table, "Billing"));

        var json = await cli.RunAsync("outgoing_rest", "list", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(["Billing", "CRM"], JsonNode.Parse(json.Out)!.AsArray().Select(o => (string?)o!["name"]).Order(StringComparer.Ordinal));

        var empty = await cli.RunAsync("channel_rest", "list");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Equal(["no REST channels yet"], empty.OutLines);
        var emptyJson = await cli.RunAsync("channel_rest", "list", "--json");
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(emptyJson.Out).RootElement.ValueKind);
        Assert.Equal(0, JsonDocument.Parse(emptyJson.Out).RootElement.GetArrayLength());
    }
}
