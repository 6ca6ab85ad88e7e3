using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;

namespace Integrations.Tests.Integration.Dashboard;

/// <summary>An author's files in the IDE: the file in front is what Deploy sends and what Invoke runs, and the files outlive a reload.</summary>
[Collection(ServersCollection.Name)]
public sealed class Writing_a_service_in_the_ide(Servers servers)
{
    [Fact]
    public async Task A_new_file_is_deployed_alone_invoked_by_its_own_service_and_still_there_after_a_reload()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-ide-files", isolated: true, demo: true);
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name": "CRM", "address": "{{node.Options.ChannelsUrl}}", "url_path": "/tutorial/api/get-user", "data_format": "json"}""");
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name": "Billing", "address": "{{node.Options.ChannelsUrl}}", "url_path": "/tutorial/api/balance/get", "data_format": "json"}""");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);
        await OpenIdeAsync(page, node);
        Assert.Equal("Hello.cs", await page.Locator("#current-file").InnerTextAsync());

        // File → New: the file and its service share a name.
        await page.ClickAsync("#file-new");
        await page.Locator("#current-file", new() { HasTextString = "Service2.cs" }).WaitForAsync();
        var template = await SourceOf(page, "Service2.cs");
        Assert.Contains("[Service(\"acme.service2\")]", template);
        Assert.Contains("class Service2 ", template);

        // The tutorial's service, pasted into the new file, deployed alone: the demo file beside it is not.
        var tutorial = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "services", "Integrations.Services", "Tutorial", "GetUserDetails.cs"));
        await page.EvaluateAsync("([name, source]) => monaco.editor.getModel(monaco.Uri.parse('file:///' + name)).setValue(source)", new[] { "Service2.cs", tutorial });
        await page.ClickAsync("#deploy");
        var deployed = page.Locator("#deploy-message", new() { HasTextString = "deployed version" });
        await deployed.WaitForAsync();
        Assert.Equal("deployed version 1: tutorial.get-user-details (from Service2.cs)", await deployed.InnerTextAsync());
        using (var deployments = JsonDocument.Parse(await node.Admin.GetStringAsync("/admin/deployments")))
            Assert.Equal(["tutorial.get-user-details"], deployments.RootElement.EnumerateArray().SelectMany(d => d.GetProperty("services").EnumerateArray()).Select(s => s.GetString()));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await node.Admin.GetAsync("/admin/services/acme.hello")).StatusCode);

        // Invoke runs the service of the file in front.
        await page.FillAsync("#ide-parameters", "name=Mike");
        await page.ClickAsync("#invoke");
        await page.Locator("#ide-result", new() { HasTextString = "357.9" }).WaitForAsync();
        Assert.StartsWith("tutorial.get-user-details · 200", await page.Locator("#ide-result-status").InnerTextAsync());
        await Screenshot(page, "30-ide-new-file-deployed-and-invoked");

        // A reload loses nothing: both files, the one in front, its text.
        await page.ReloadAsync();
        await OpenIdeAsync(page, node);
        await page.Locator("#current-file", new() { HasTextString = "Service2.cs" }).WaitForAsync();
        Assert.Equal(["Hello.cs", "Service2.cs"], await page.Locator("#files .file-name").AllInnerTextsAsync());
        Assert.Equal(tutorial, await SourceOf(page, "Service2.cs"));
        Assert.Contains("acme.hello", await SourceOf(page, "Hello.cs"));
        await Screenshot(page, "31-ide-after-a-reload");
    }

    [Fact]
    public async Task A_file_with_two_services_deploys_both_and_invokes_the_one_picked()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-ide-pick", isolated: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);
        await OpenIdeAsync(page, node);

        await page.ClickAsync("#file-new");
        await page.Locator("#current-file", new() { HasTextString = "Service2.cs" }).WaitForAsync();
        await page.ClickAsync("#file-new");
        await page.Locator("#current-file", new() { HasTextString = "Service3.cs" }).WaitForAsync();
        Assert.Contains("[Service(\"acme.service3\")]", await SourceOf(page, "Service3.cs"));
        await page.EvaluateAsync("([name, source]) => monaco.editor.getModel(monaco.Uri.parse('file:///' + name)).setValue(source)", new[] { "Service3.cs", TwoServices });
        await page.ClickAsync("#deploy");
        var deployed = page.Locator("#deploy-message", new() { HasTextString = "deployed version" });
        await deployed.WaitForAsync();
        Assert.Equal("deployed version 1: acme.greet, acme.shout (from Service3.cs)", await deployed.InnerTextAsync());

        // The first is invoked unless another is picked.
        await page.FillAsync("#ide-parameters", "name=Mike");
        await page.ClickAsync("#invoke");
        await page.Locator("#ide-result", new() { HasTextString = "Howdy Mike!" }).WaitForAsync();
        await page.ClickAsync("#invoke-service .mud-select");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "acme.shout" }).ClickAsync();
        await page.ClickAsync("#invoke");
        await page.Locator("#ide-result", new() { HasTextString = "HEY MIKE!" }).WaitForAsync();
        Assert.StartsWith("acme.shout · 200", await page.Locator("#ide-result-status").InnerTextAsync());
        await Screenshot(page, "32-ide-two-services-picked");

        // Switching back to a file with one service invokes that one.
        await page.Locator("#files .file-name", new() { HasTextString = "Service2.cs" }).ClickAsync();
        await page.Locator("#file-services", new() { HasTextString = "acme.service2" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#invoke-service").CountAsync());

        // A file removed (after a confirmation) stays removed; what was deployed from it stays deployed.
        await page.GetByRole(AriaRole.Button, new() { Name = "remove Service3.cs" }).ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await page.Locator("#files .file-name", new() { HasTextString = "Service3.cs" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.ReloadAsync();
        await OpenIdeAsync(page, node);
        Assert.Equal(["Hello.cs", "Service2.cs"], await page.Locator("#files .file-name").AllInnerTextsAsync());
        Assert.True((await node.Admin.GetAsync("/admin/services/acme.shout")).IsSuccessStatusCode);
    }

    private const string TwoServices = """
        namespace Acme;

        public sealed record Greeting(string Text);

        [Service("acme.greet")]
        public sealed class Greet : Service<Greet.Input, Greeting>
        {
            public sealed record Input(string? Name);
            protected override Task<Greeting> Handle(Input input, ServiceContext ctx) => Task.FromResult(new Greeting($"Howdy {input.Name}!"));
        }

        [Service("acme.shout")]
        public sealed class Shout : Service<Greet.Input, Greeting>
        {
            protected override Task<Greeting> Handle(Greet.Input input, ServiceContext ctx) => Task.FromResult(new Greeting($"HEY {input.Name?.ToUpperInvariant()}!"));
        }
        """;

    private static async Task OpenIdeAsync(IPage page, TestNode node)
    {
        if (!page.Url.EndsWith("/ide", StringComparison.Ordinal)) await page.GotoAsync(node.Options.AdminUrl + "/ide");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator(".monaco-editor").First.WaitForAsync();
        await page.Locator("#file-new:not([disabled])").WaitForAsync();
    }

    private static Task<string> SourceOf(IPage page, string file) =>
        page.EvaluateAsync<string>("name => monaco.editor.getModel(monaco.Uri.parse('file:///' + name)).getValue()", file);
}
