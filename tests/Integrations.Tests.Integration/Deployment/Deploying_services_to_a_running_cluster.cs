using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Deployment;

[Collection(ServersCollection.Name)]
public sealed class Deploying_services_to_a_running_cluster(Servers servers)
{
    private static string Source(string answer) => $$"""
        namespace Acme.Deployed;

        [Service("deployed.greet")]
        public sealed class Greet : Service<Greet.Input, Greet.Output>
        {
            public sealed record Input(string? Name);
            public sealed record Output(string Text);

            protected override Task<Output> Handle(Input input, ServiceContext ctx) =>
                Task.FromResult(new Output($"{{answer}} {input.Name ?? "you"}"));
        }
        """;

    private static Task<HttpResponseMessage> DeployAsync(TestNode node, string source, string file = "greet.cs") =>
        node.Admin.PostAsync("/admin/deployments", AdminCalls.Json(new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["name"] = file, ["source"] = source }),
        }.ToJsonString()));

    private static async Task<string> AnswerOf(TestNode node, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await node.InvokeAsync("deployed.greet", "name=Ann");
            if (response.IsSuccessStatusCode || clock.Elapsed > within)
                return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_deployed_service_answers_on_both_nodes_a_compile_error_changes_nothing_and_a_restart_keeps_it()
    {
        var schema = servers.NewSchema();
        await using var first = await TestNode.StartAsync(servers, "deploy-a", o => o.Schema = schema);
        await using (var second = await TestNode.StartAsync(servers, "deploy-b", o => o.Schema = schema))
        {
            var deployed = await DeployAsync(first, Source("Hello"));
            Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
            Assert.Equal("""200 {"text":"Hello Ann"}""", await AnswerOf(first, TimeSpan.FromSeconds(2)));
            Assert.Equal("""200 {"text":"Hello Ann"}""", await AnswerOf(second, TimeSpan.FromSeconds(2)));

            var broken = await DeployAsync(first, Source("Hello").Replace("Task.FromResult(", "Task.FromResult(42 + "), "broken.cs");
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            using (var json = JsonDocument.Parse(await broken.Content.ReadAsStringAsync()))
                Assert.Matches(@"^broken\.cs:\d+:\d+: error CS\d{4}: ", json.RootElement.GetProperty("errors")[0].GetString());
            Assert.Equal("""200 {"text":"Hello Ann"}""", await AnswerOf(second, TimeSpan.Zero));

            Assert.Equal(HttpStatusCode.Created, (await DeployAsync(first, Source("Howdy"))).StatusCode);
            var clock = Stopwatch.StartNew();
            string answer;
            while ((answer = await AnswerOf(second, TimeSpan.Zero)) != """200 {"text":"Howdy Ann"}""" && clock.Elapsed < TimeSpan.FromSeconds(2))
                await Task.Delay(20);
            Assert.Equal("""200 {"text":"Howdy Ann"}""", answer);
        }

        // A node that starts later loads what was deployed.
        await using var late = await TestNode.StartAsync(servers, "deploy-late", o => o.Schema = schema);
        Assert.Equal("""200 {"text":"Howdy Ann"}""", await AnswerOf(late, TimeSpan.Zero));
        using var history = JsonDocument.Parse(await late.Admin.GetStringAsync("/admin/deployments"));
        Assert.Equal([2L, 1L], history.RootElement.EnumerateArray().Select(d => d.GetProperty("version").GetInt64()));
        Assert.Contains("Howdy", await late.Admin.GetStringAsync("/admin/services/deployed.greet/source"));

        // Rollback: version 1 answers again, on the other node too.
        Assert.Equal(HttpStatusCode.OK, (await first.Admin.PostAsync("/admin/services/deployed.greet/rollback", AdminCalls.Json("""{"version": 1}"""))).StatusCode);
        await Eventually(late, """200 {"text":"Hello Ann"}""");

        // Undeploy: the service is gone everywhere, at once a 404.
        Assert.Equal(HttpStatusCode.OK, (await first.Admin.DeleteAsync("/admin/services/deployed.greet")).StatusCode);
        await Eventually(late, "404");
        Assert.Null(await servers.QueueDepthAsync("svc.deployed.greet"));
    }

    [Fact]
    public async Task A_file_written_to_the_pickup_folder_is_deployed_within_seconds()
    {
        await using var node = await TestNode.StartAsync(servers, "pickup", isolated: true);
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(node.Options.PickupDirectory!, "pickup.cs"), Source("Picked up").Replace("deployed.greet", "deployed.pickup"));
        HttpResponseMessage response;
        while (!(response = await node.InvokeAsync("deployed.pickup", "name=Ann")).IsSuccessStatusCode && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        Assert.Equal("""{"text":"Picked up Ann"}""", await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_precompiled_assembly_deploys_like_sources()
    {
        await using var node = await TestNode.StartAsync(servers, "deploy-dll", isolated: true);
        var (assembly, errors) = Integrations.Bus.Deployment.ServiceCompiler.Compile("Acme.Precompiled",
            [new("greet.cs", Source("Compiled").Replace("deployed.greet", "deployed.compiled"))]);
        Assert.Empty(errors);
        var response = await node.Admin.PostAsync("/admin/deployments", AdminCalls.Json(new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["name"] = "acme.dll", ["source"] = Convert.ToBase64String(assembly!) }),
        }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"text":"Compiled Ann"}""", await (await node.InvokeAsync("deployed.compiled", "name=Ann")).Content.ReadAsStringAsync());

        var garbage = await node.Admin.PostAsync("/admin/deployments", AdminCalls.Json("""{"files":[{"name":"x.dll","source":"bm90IGFuIGFzc2VtYmx5"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not a .NET assembly", await garbage.Content.ReadAsStringAsync());
    }

    private static async Task Eventually(TestNode node, string expected)
    {
        var clock = Stopwatch.StartNew();
        string answer;
        while (!(answer = await AnswerOf(node, TimeSpan.Zero)).StartsWith(expected, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(3))
            await Task.Delay(20);
        Assert.StartsWith(expected, answer);
    }
}
