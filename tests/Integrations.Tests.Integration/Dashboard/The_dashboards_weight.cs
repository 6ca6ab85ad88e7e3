using Integrations.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;

namespace Integrations.Tests.Integration.Dashboard;

/// <summary>What the dashboard's pages cost a browser: bytes over the wire on a first visit and again, and the editor only where it is used.</summary>
[Collection(ServersCollection.Name)]
public sealed class The_dashboards_weight(Servers servers, ITestOutputHelper output)
{
    private const long Budget = 1_500_000;

    [Fact]
    public async Task The_login_and_services_pages_are_light_the_ide_alone_loads_the_editor_and_static_files_are_cached()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-weight");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        // The login page, on an empty cache.
        await using var first = await browser.NewContextAsync();
        var login = await first.NewPageAsync();
        var traffic = Traffic.Of(login);
        await login.GotoAsync(node.Options.AdminUrl + "/login", new() { WaitUntil = WaitUntilState.NetworkIdle });
        var loginPage = await traffic.StopAsync();
        await login.FillAsync("#password", TestNode.AdminPassword);
        await login.ClickAsync("#submit");
        await login.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // The Services page, logged in but on an empty cache again, then reloaded with what the browser kept.
        await using var second = await browser.NewContextAsync(new() { StorageState = await first.StorageStateAsync() });
        var page = await second.NewPageAsync();
        traffic = Traffic.Of(page);
        await page.GotoAsync(node.Options.AdminUrl + "/", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var servicesPage = await traffic.StopAsync();
        traffic = Traffic.Of(page);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var reloaded = await traffic.StopAsync();

        // The IDE, in the same tab: the editor's scripts come with it, and only with it.
        traffic = Traffic.Of(page);
        await page.GotoAsync(node.Options.AdminUrl + "/ide", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.Locator(".monaco-editor").First.WaitForAsync();
        Assert.Contains("acme.hello", await page.EvaluateAsync<string>("monaco.editor.getModels()[0].getValue()"));
        var ide = await traffic.StopAsync();

        output.WriteLine($"login {loginPage.Bytes:N0} B · services {servicesPage.Bytes:N0} B · services reloaded {reloaded.Bytes:N0} B · ide after services {ide.Bytes:N0} B");
        Assert.True(loginPage.Bytes < Budget, $"the login page costs {loginPage.Bytes:N0} bytes: {loginPage.Detail}");
        Assert.True(servicesPage.Bytes < Budget, $"the services page costs {servicesPage.Bytes:N0} bytes: {servicesPage.Detail}");
        Assert.DoesNotContain(loginPage.Urls, u => u.Contains("monaco", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(servicesPage.Urls, u => u.Contains("monaco", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(ide.Urls, u => u.Contains("/editor/editor.main.js", StringComparison.Ordinal));
        // What the browser kept, it does not ask for again.
        Assert.True(reloaded.Bytes < servicesPage.Bytes / 4, $"a reload of the services page costs {reloaded.Bytes:N0} bytes: {reloaded.Detail}");

        using var http = new HttpClient { BaseAddress = new Uri(node.Options.AdminUrl) };
        foreach (var script in new[] { "_content/MudBlazor/MudBlazor.min.js", "_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js", "_framework/blazor.web.js" })
        {
            var served = await http.GetAsync(script);
            var cacheControl = served.Headers.CacheControl;
            Assert.True(served.IsSuccessStatusCode, $"{script}: {(int)served.StatusCode}");
            Assert.True(cacheControl is { NoCache: false, MaxAge.TotalSeconds: > 0 }, $"{script} is served with Cache-Control: {cacheControl}");
        }
    }

    /// <summary>What a page received while it was watched, and what that cost on the wire (headers and bodies as sent).</summary>
    private sealed record Measured(long Bytes, IReadOnlyList<string> Urls, string Detail);

    private sealed class Traffic
    {
        private readonly List<(string Url, Task<RequestSizesResult> Sizes)> _seen = [];
        private bool _stopped;

        public static Traffic Of(IPage page)
        {
            var traffic = new Traffic();
            page.RequestFinished += (_, request) =>
            {
                lock (traffic._seen)
                    if (!traffic._stopped) traffic._seen.Add((request.Url, request.SizesAsync()));
            };
            return traffic;
        }

        public async Task<Measured> StopAsync()
        {
            List<(string Url, Task<RequestSizesResult> Sizes)> seen;
            lock (_seen)
            {
                _stopped = true;
                seen = [.. _seen];
            }
            var each = new List<(string Url, long Bytes)>();
            foreach (var (url, sizes) in seen)
            {
                var size = await sizes;
                each.Add((url, size.ResponseBodySize + size.ResponseHeadersSize));
            }
            return new(each.Sum(e => e.Bytes), each.Select(e => e.Url).ToList(), string.Join("; ", each.Select(e => $"{e.Url} {e.Bytes:N0}")));
        }
    }
}
