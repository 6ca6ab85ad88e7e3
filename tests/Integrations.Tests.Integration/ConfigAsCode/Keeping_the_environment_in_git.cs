using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Config.Environment;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.ConfigAsCode;

/// <summary>Export and import as <c>esb export</c> and <c>esb import</c> do: the admin API's document, read and written as YAML.</summary>
[Collection(ServersCollection.Name)]
public sealed class Keeping_the_environment_in_git(Servers servers)
{
    private const string Tutorial = """
        security:
          - name: My API Key
            type: apikey
            header: X-API-Key
            password: Esb_Env.My_API_Key
        outgoing_rest:
          - name: CRM
            address: http://localhost:17010
            url_path: /tutorial/api/get-user
            data_format: json
          - name: Billing
            address: http://localhost:17010
            url_path: /tutorial/api/balance/get
            data_format: json
        channel_rest:
          - name: My REST Channel
            service: tutorial.get-user-details
            security: My API Key
            url_path: /tutorial/api/get-user-details
            data_format: json
        scheduler:
          - name: Get user details every 10 s
            service: tutorial.get-user-details
            job_type: interval_based
            seconds: 10
        """;

    [Fact]
    public async Task The_tutorial_snippet_imports_and_its_channel_answers_with_the_key_from_the_environment()
    {
        await using var node = await TestNode.StartAsync(servers, "env-tutorial", isolated: true, demo: true);
        var tutorial = Tutorial.Replace("http://localhost:17010", node.Options.ChannelsUrl);
        var (status, result, _) = await ImportAsync(node, tutorial, new() { ["My_API_Key"] = "abc" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, result["created"]!.AsArray().Count);

        var request = new HttpRequestMessage(HttpMethod.Get, "/tutorial/api/get-user-details");
        request.Headers.Add("X-API-Key", "abc");
        var answer = await node.Channels.SendAsync(request);
        Assert.Equal("""{"user_type":"RGV","account_no":"123456","account_balance":"357.9"}""", await answer.Content.ReadAsStringAsync());

        // The same file again changes nothing.
        (status, result, _) = await ImportAsync(node, tutorial, new() { ["My_API_Key"] = "abc" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(result["created"]!.AsArray());
        Assert.Empty(result["changed"]!.AsArray());
        Assert.Equal(5, result["unchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_environment_built_through_the_admin_api_exports_imports_into_an_empty_database_and_exports_the_same()
    {
        await using var first = await TestNode.StartAsync(servers, "env-source", isolated: true);
        await first.CreateAsync("/admin/security", """{"name":"Partner key","type":"apikey","header":"X-Partner-Key"}""");
        await first.SetSecretAsync("Partner key", "s3cret-partner");
        await first.CreateAsync("/admin/security", """{"name":"Ops","type":"basic_auth","username":"ops","realm":"ops area"}""");
        await first.CreateAsync("/admin/outgoing/rest", """{"name":"CRM","address":"http://crm.example.com:8080","url_path":"/api/users/{id}","timeout_seconds":3.5,"retries":0,"security":"Partner key","tls_verify":false}""");
        await first.CreateAsync("/admin/channels/rest", """{"name":"Users","service":"test.order","url_path":"/users/{customer}","method":"POST","security":"Ops","rate_limit":"100/m","cors_origins":["https://app.example.com"],"max_body_bytes":2048}""");
        await first.CreateAsync("/admin/scheduler", """{"name":"Nightly","service":"demo.hello","job_type":"cron_style","cron":"1 0 * * *","time_zone":"Europe/Warsaw","extra":"{\"name\":\"Night\"}","misfire":"skip"}""");
        await first.CreateAsync("/admin/scheduler", """{"name":"Paused","service":"demo.hello","minutes":5,"repeats":3,"is_active":false}""");
        Assert.Equal(HttpStatusCode.OK, (await first.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout_seconds": 5}"""))).StatusCode);
        var deploy = await first.Admin.PostAsync("/admin/deployments", AdminCalls.Json(JsonSerializer.Serialize(new { files = new[] { new { name = "Shout.cs", source = ShoutSource } } })));
        Assert.True(deploy.IsSuccessStatusCode, await deploy.Content.ReadAsStringAsync());

        var folder = Directory.CreateTempSubdirectory("esb-env-").FullName;
        var exported = await ExportAsync(first, folder);
        Assert.DoesNotContain("s3cret-partner", exported);
        Assert.Contains("password: Esb_Env.Partner_key", exported);
        Assert.Contains("- services/Shout.cs", exported);
        Assert.True(File.Exists(Path.Combine(folder, "services", "Shout.cs")));

        await using var second = await TestNode.StartAsync(servers, "env-target", isolated: true);
        var (status, result, _) = await ImportAsync(second, exported, new() { ["Partner_key"] = "s3cret-partner", ["Ops"] = "ops-password" }, folder);
        Assert.True(status == HttpStatusCode.OK, result.ToJsonString());
        Assert.Equal(["test.shout"], result["deployed"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(exported, await ExportAsync(second, Directory.CreateTempSubdirectory("esb-env-").FullName));

        // What was imported works: the deployed service answers, and the secret is the one from the environment.
        Assert.Equal("""{"shout":"HI!"}""", await (await second.InvokeAsync("test.shout", "text=hi")).Content.ReadAsStringAsync());
        Assert.Equal("s3cret-partner", second.Get<Integrations.Bus.Security.SecurityDefinitions>()
            .SecretOf(second.Get<Integrations.Bus.Config.ConfigView>().Find<Integrations.Config.SecurityDefinition>("Partner key")!));
    }

    [Fact]
    public async Task A_missing_variable_a_bad_reference_or_a_syntax_error_is_named_with_its_line_and_nothing_is_applied()
    {
        await using var node = await TestNode.StartAsync(servers, "env-errors", isolated: true);

        var missing = EnvironmentYaml.Parse("env.yaml", Tutorial, ".", _ => null);
        Assert.Null(missing.Content);
        Assert.Equal("env.yaml:5:15: security 'My API Key': password: Esb_Env.My_API_Key needs the environment variable My_API_Key, which is not set (nor in the env file)",
            Assert.Single(missing.Errors));

        var badReference = Tutorial.Replace("    security: My API Key", "    security: Their API Key");
        var (status, result, file) = await ImportAsync(node, badReference, new() { ["My_API_Key"] = "abc" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var located = result["errors"]!.Deserialize<List<EnvironmentError>>(Integrations.Bus.Config.ConfigJson.Options)!.Select(file.Locate).ToList();
        Assert.Equal(["env.yaml:18:5: channel_rest 'My REST Channel': security: no security definition named 'Their API Key'"], located);

        var syntax = EnvironmentYaml.Parse("env.yaml", "security:\n  - name: X\n   type: apikey\n", ".", _ => null);
        Assert.StartsWith("env.yaml:3:4: not valid YAML", Assert.Single(syntax.Errors));

        var unknown = EnvironmentYaml.Parse("env.yaml", "outgoing_rest:\n  - name: X\n    adress: http://x\n", ".", _ => null);
        (status, result, file) = await ImportAsync(node, "outgoing_rest:\n  - name: X\n    adress: http://x\n", []);
        Assert.Equal("env.yaml:3:5: outgoing_rest 'X': adress: unknown field; did you mean 'address'?",
            file.Locate(result["errors"]!.Deserialize<List<EnvironmentError>>(Integrations.Bus.Config.ConfigJson.Options)!.Single()));

        // Nothing of any of them was stored: not even the objects before the one that was wrong.
        var everything = await node.Admin.GetFromJsonAsync<JsonObject>("/admin/environment");
        Assert.Empty(everything!);
    }

    [Fact]
    public async Task A_dry_run_changes_nothing_and_replace_deletes_what_the_file_does_not_name()
    {
        await using var node = await TestNode.StartAsync(servers, "env-dry", isolated: true);
        await node.CreateAsync("/admin/outgoing/rest", """{"name":"Legacy","address":"http://legacy.example.com"}""");

        var (status, result, _) = await ImportAsync(node, Tutorial, new() { ["My_API_Key"] = "abc" }, dryRun: true, replace: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, result["created"]!.AsArray().Count);
        Assert.Equal(["outgoing_rest 'Legacy'"], result["deleted"]!.AsArray().Select(d => d!.GetValue<string>()));
        var after = await node.Admin.GetFromJsonAsync<JsonObject>("/admin/environment");
        Assert.Equal(["Legacy"], after!["outgoing_rest"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.False(after.ContainsKey("security"));

        (status, result, _) = await ImportAsync(node, Tutorial, new() { ["My_API_Key"] = "abc" }, replace: true);
        Assert.Equal(HttpStatusCode.OK, status);
        after = await node.Admin.GetFromJsonAsync<JsonObject>("/admin/environment");
        Assert.Equal(["Billing", "CRM"], after!["outgoing_rest"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_node_started_with_an_environment_file_applies_it_and_again_when_it_changes()
    {
        var folder = Directory.CreateTempSubdirectory("esb-env-").FullName;
        var path = Path.Combine(folder, "environment.yaml");
        await File.WriteAllTextAsync(path, "outgoing_rest:\n  - name: Mounted\n    address: http://one.example.com\n");
        await using var node = await TestNode.StartAsync(servers, "env-mounted", o => o.ImportFile = path, isolated: true);
        var view = node.Get<Integrations.Bus.Config.ConfigView>();
        Assert.Equal("http://one.example.com", view.Find<Integrations.Config.OutgoingRest>("Mounted")?.Address);

        await File.WriteAllTextAsync(path, "outgoing_rest:\n  - name: Mounted\n    address: http://two.example.com\n");
        await Scheduler.Running_jobs_on_a_schedule.Until(() => view.Find<Integrations.Config.OutgoingRest>("Mounted")?.Address == "http://two.example.com", TimeSpan.FromSeconds(10));

        // A broken file is logged and changes nothing.
        await File.WriteAllTextAsync(path, "outgoing_rest:\n  - name: Mounted\n    address: not a url\n");
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("environment.yaml:3:5: outgoing_rest 'Mounted': address:"), TimeSpan.FromSeconds(10));
        Assert.Equal("http://two.example.com", view.Find<Integrations.Config.OutgoingRest>("Mounted")?.Address);
    }

    private const string ShoutSource = """
        [Service("test.shout")]
        public sealed class Shout : Service<Shout.Input, Shout.Output>
        {
            public sealed record Input(string Text);
            public sealed record Output(string Shout);
            protected override Task<Output> Handle(Input input, ServiceContext ctx) => Task.FromResult(new Output(input.Text.ToUpperInvariant() + "!"));
        }
        """;

    /// <summary>What <c>esb export -o FOLDER/env.yaml</c> writes: the YAML, and the sources beside it.</summary>
    private static async Task<string> ExportAsync(TestNode node, string folder)
    {
        var content = EnvironmentContent.FromJson((await node.Admin.GetFromJsonAsync<JsonObject>("/admin/environment"))!).Content!;
        var services = content.Services;
        foreach (var file in services)
        {
            Directory.CreateDirectory(Path.Combine(folder, "services"));
            await File.WriteAllTextAsync(Path.Combine(folder, "services", file.Name), file.Source);
        }
        return EnvironmentYaml.Write(content, "services");
    }

    /// <summary>What <c>esb import</c> does: read the YAML with the variables, send it, and keep the file to locate errors.</summary>
    private static async Task<(HttpStatusCode Status, JsonObject Result, EnvironmentFile File)> ImportAsync(TestNode node, string yaml,
        Dictionary<string, string> variables, string folder = ".", bool dryRun = false, bool replace = false)
    {
        var file = EnvironmentYaml.Parse("env.yaml", yaml, folder, name => variables.GetValueOrDefault(name));
        Assert.True(file.Content is not null, string.Join("\n", file.Errors));
        var json = file.Content!.ToJson();
        var response = await node.Admin.PostAsync($"/admin/environment?dry_run={dryRun.ToString().ToLowerInvariant()}&replace={replace.ToString().ToLowerInvariant()}",
            new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), file);
    }
}
