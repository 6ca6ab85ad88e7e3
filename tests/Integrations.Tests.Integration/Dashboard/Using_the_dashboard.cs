using Integrations.Tests.Integration.Infrastructure;
using Integrations.Tests.Integration.Scheduler;
using Microsoft.Playwright;

namespace Integrations.Tests.Integration.Dashboard;

/// <summary>The dashboard in a real headless Chromium, as an operator uses it; screenshots are kept as test artifacts.</summary>
[Collection(ServersCollection.Name)]
public sealed class Using_the_dashboard(Servers servers)
{
    private static readonly string Artifacts = Path.Combine(Environment.GetEnvironmentVariable("ESB_TEST_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "esb-test-artifacts"), "screenshots");

    [Fact]
    public async Task An_operator_logs_in_and_invokes_the_demo_service_with_a_name_and_without()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });

        await page.GotoAsync(node.Options.AdminUrl);
        Assert.Contains("/login", page.Url);

        // A wrong password says only that the login was wrong.
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#submit");
        await page.Locator("#login-error").WaitForAsync();
        Assert.Equal("The user name or password is wrong.", await page.Locator("#login-error").InnerTextAsync());
        await Screenshot(page, "01-login-refused");

        await page.FillAsync("#password", TestNode.AdminPassword);
        await page.ClickAsync("#submit");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal("demo.hello", await page.Locator("#selected").InnerTextAsync());
        Assert.True(await page.Locator(".service-name", new() { HasTextString = "tutorial.get-user-details" }).CountAsync() > 0);
        await Screenshot(page, "02-services");

        await page.Locator("textarea").First.FillAsync("name=Mike");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invoke" }).ClickAsync();
        await page.Locator("#result", new() { HasTextString = "Howdy Mike!" }).WaitForAsync();
        Assert.StartsWith("200", await page.Locator("#result-status").InnerTextAsync());
        // The list counts the call.
        await Running_jobs_on_a_schedule.Until(async () => int.Parse(await page.Locator(".service-calls").First.InnerTextAsync()) >= 1, TimeSpan.FromSeconds(5));
        await Screenshot(page, "03-invoked-with-a-name");

        await page.Locator("textarea").First.FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invoke" }).ClickAsync();
        await page.Locator("#result", new() { HasTextString = "Howdy partner!" }).WaitForAsync();
        await Screenshot(page, "04-invoked-without");

        // The cid leads to its trace, and from there to everything the node logged under it: the admin API's lines and the service's own.
        await page.ClickAsync("#result-cid");
        await page.Locator("#trace-hops .hop-what", new() { HasTextString = "demo.hello ran" }).WaitForAsync();
        await page.ClickAsync("#trace-logs");
        await page.WaitForURLAsync("**/logs?cid=*");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        // The log is written in the background: ask again until the lines are there.
        await Running_jobs_on_a_schedule.Until(async () =>
        {
            await page.ClickAsync("#show-logs");
            await Task.Delay(200);
            return (await page.Locator("#log-lines").InnerTextAsync()).Contains("[demo.hello]");
        }, TimeSpan.FromSeconds(15));
        Assert.Contains("Greeting partner", await page.Locator("#log-lines").InnerTextAsync());
        await Screenshot(page, "06-log-by-cid");

        // On a narrow screen the console still works.
        await page.SetViewportSizeAsync(400, 800);
        await Screenshot(page, "05-narrow");

        await page.ClickAsync("#logout");
        await page.WaitForURLAsync("**/login");
        await page.GotoAsync(node.Options.AdminUrl);
        Assert.Contains("/login", page.Url);
    }

    [Fact]
    public async Task An_operator_connects_the_tutorials_systems_secures_and_exposes_the_service_and_schedules_it_in_the_browser()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-tutorial", isolated: true, demo: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);

        // Connections → Outgoing → REST: CRM and Billing, each pinged green; a bad address is refused beside its field.
        await OpenAsync(page, node, "outgoing_rest");
        await CreateAsync(page, ("name", "CRM"), ("address", "not an address"), ("url_path", "/tutorial/api/get-user"));
        await page.Locator(".mud-input-helper-text.mud-input-error", new() { HasTextString = "is not an http:// or https:// address" }).WaitForAsync();
        await Screenshot(page, "10-outgoing-refused");
        await page.FillAsync("#field-address", node.Options.ChannelsUrl);
        await page.ClickAsync("#save");
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        await page.ClickAsync("#ping");
        await page.Locator("#ping-result", new() { HasTextString = "OK 200" }).WaitForAsync();
        await Screenshot(page, "11-crm-pinged");
        await CreateAsync(page, ("name", "Billing"), ("address", node.Options.ChannelsUrl), ("url_path", "/tutorial/api/balance/get"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        await page.ClickAsync("#ping");
        await page.Locator("#ping-result", new() { HasTextString = "OK 200" }).WaitForAsync();

        // The IDE: the tutorial's service written (here: pasted from the repository), deployed, invoked.
        await page.GotoAsync(node.Options.AdminUrl + "/ide");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator(".monaco-editor").First.WaitForAsync();
        var tutorial = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "services", "Integrations.Services", "Tutorial", "GetUserDetails.cs"));
        await page.EvaluateAsync("source => monaco.editor.getModels()[0].setValue(source)", tutorial);
        await page.ClickAsync("#deploy");
        await page.Locator("#deploy-message", new() { HasTextString = "tutorial.get-user-details" }).WaitForAsync();
        await page.FillAsync("#ide-parameters", "name=Mike");
        await page.ClickAsync("#invoke");
        await page.Locator("#ide-result", new() { HasTextString = "357.9" }).WaitForAsync();
        await Screenshot(page, "14-tutorial-service-deployed");

        // Security: the API key, changed to abc.
        await OpenAsync(page, node, "security");
        await CreateAsync(page, ("name", "My API Key"), ("type", "apikey"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        await page.FillAsync("#secret", "abc");
        await page.ClickAsync("#change-secret");
        await page.Locator("#message", new() { HasTextString = "secret changed" }).WaitForAsync();
        await Screenshot(page, "12-api-key");

        // Channels → REST, then the channel answers over HTTP with that key.
        await OpenAsync(page, node, "channel_rest");
        await CreateAsync(page, ("name", "My REST Channel"), ("service", "tutorial.get-user-details"), ("url_path", "/tutorial/api/get-user-details"), ("security", "My API Key"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        var call = new HttpRequestMessage(HttpMethod.Get, "/tutorial/api/get-user-details");
        call.Headers.Add("X-API-Key", "abc");
        var answer = await node.Channels.SendAsync(call);
        Assert.Equal("""{"user_type":"RGV","account_no":"123456","account_balance":"357.9"}""", await answer.Content.ReadAsStringAsync());

        // Scheduler: an interval job, and its runs.
        await OpenAsync(page, node, "scheduler");
        await CreateAsync(page, ("name", "Every second"), ("service", "tutorial.get-user-details"), ("seconds", "1"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        await Task.Delay(2500);
        await page.Locator(".cell-name", new() { HasTextString = "Every second" }).ClickAsync();
        await page.Locator("#runs .outcome", new() { HasTextString = "ok" }).First.WaitForAsync();
        await Screenshot(page, "13-scheduler-runs");
    }

    [Fact]
    public async Task The_ide_deploys_a_service_invokes_it_and_shows_a_compile_error_on_its_line()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-ide", isolated: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);
        await page.GotoAsync(node.Options.AdminUrl + "/ide");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator(".monaco-editor").First.WaitForAsync();
        // The demo service is open on the first visit.
        Assert.Contains("acme.hello", await page.EvaluateAsync<string>("monaco.editor.getModels()[0].getValue()"));

        // Ctrl-S deploys, Ctrl-Enter invokes, from the editor.
        await page.FillAsync("#ide-parameters", "name=Mike");
        await page.Locator(".monaco-editor .view-lines").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+S");
        await page.Locator("#deploy-message", new() { HasTextString = "deployed version" }).WaitForAsync();
        await page.Locator(".monaco-editor .view-lines").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await page.Locator("#ide-result", new() { HasTextString = "Howdy Mike!" }).WaitForAsync();
        await Screenshot(page, "20-ide-deployed-and-invoked");

        // The deployed service on the Services screen: its source and its history.
        await page.GotoAsync(node.Options.AdminUrl);
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator(".service-name", new() { HasTextString = "acme.hello" }).ClickAsync();
        await page.Locator("#source", new() { HasTextString = "[Service(\"acme.hello\")]" }).WaitForAsync();
        Assert.StartsWith("v1 ·", await page.Locator(".history").First.InnerTextAsync());
        await Screenshot(page, "22-service-source-and-history");
        await page.GotoAsync(node.Options.AdminUrl + "/ide");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator(".monaco-editor").First.WaitForAsync();

        // A compile error: marked on its line while typing, before Deploy; and Deploy refuses it, deploying nothing.
        await page.EvaluateAsync("""
            (() => { const m = monaco.editor.getModels()[0]; m.setValue(m.getValue().replace('var name =', 'int wrong = "text";\n        var name =')); })()
            """);
        await Running_jobs_on_a_schedule.Until(async () => (await page.EvaluateAsync<string[]>("esbMarkers()")).Any(m => m.StartsWith("11: ") && m.Contains("CS0029")),
            TimeSpan.FromSeconds(20));
        await page.Locator(".compile-error").First.WaitForAsync();
        await page.ClickAsync("#deploy");
        await page.Locator("#deploy-message", new() { HasTextString = "nothing was deployed" }).WaitForAsync();
        var markers = await page.EvaluateAsync<string[]>("esbMarkers()");
        Assert.Contains(markers, m => m.StartsWith("11: ") && m.Contains("CS0029"));
        await Screenshot(page, "21-ide-compile-error");
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Integrations.sln"))) return folder.FullName;
        throw new InvalidOperationException("the repository's root (Integrations.sln) is not above the tests");
    }

    internal static async Task LogInAsync(IPage page, TestNode node)
    {
        await page.GotoAsync(node.Options.AdminUrl + "/login");
        await page.FillAsync("#password", TestNode.AdminPassword);
        await page.ClickAsync("#submit");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    internal static async Task OpenAsync(IPage page, TestNode node, string screen)
    {
        await page.GotoAsync($"{node.Options.AdminUrl}/config/{screen}");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    internal static async Task CreateAsync(IPage page, params (string Field, string Value)[] fields)
    {
        await page.ClickAsync("#new");
        foreach (var (field, value) in fields) await page.FillAsync($"#field-{field}", value);
        await page.ClickAsync("#save");
    }

    [Fact]
    public async Task The_pages_scripts_and_styles_are_served_and_a_foreign_internal_key_is_refused()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-key");
        using var http = new HttpClient { BaseAddress = new Uri(node.Options.AdminUrl) };
        var login = await http.GetStringAsync("/login");
        foreach (System.Text.RegularExpressions.Match asset in System.Text.RegularExpressions.Regex.Matches(login, "(_content|_framework)/[^\"]+"))
        {
            var served = await http.GetAsync(asset.Value);
            Assert.True(served.IsSuccessStatusCode && (await served.Content.ReadAsByteArrayAsync()).Length > 100, $"{asset.Value} is not served");
        }
        http.DefaultRequestHeaders.Add("X-Esb-Internal-Key", Convert.ToBase64String(new byte[32]));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/admin/services")).StatusCode);
    }

    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var chromium = Environment.GetEnvironmentVariable("ESB_TEST_CHROMIUM") is { Length: > 0 } given ? given : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"no Chromium at {chromium}: ./test.sh installs Debian's chromium, or set ESB_TEST_CHROMIUM");
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    internal static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });
    }
}
