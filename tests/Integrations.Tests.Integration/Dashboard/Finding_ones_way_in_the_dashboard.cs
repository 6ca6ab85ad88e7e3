using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Dashboard;

/// <summary>What the operator reads on the dashboard's screens: styled forms, local dates, units, links, confirmations, pages.</summary>
[Collection(ServersCollection.Name)]
public sealed partial class Finding_ones_way_in_the_dashboard(Servers servers)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")]
    private static partial Regex LocalDate();

    [GeneratedRegex(@"^\d+(\.\d+)? (ms|s)$")]
    private static partial Regex Duration();

    [Fact]
    public async Task The_login_page_looks_like_the_console_and_the_site_has_an_icon()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-look");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });

        await page.GotoAsync(node.Options.AdminUrl + "/login");
        var input = await page.EvaluateAsync<JsonElement>("""
            (() => { const s = getComputedStyle(document.getElementById('password'));
                     return { width: s.borderTopWidth, style: s.borderTopStyle, radius: s.borderTopLeftRadius }; })()
            """);
        Assert.Equal("1px", input.GetProperty("width").GetString());
        Assert.Equal("solid", input.GetProperty("style").GetString());
        Assert.NotEqual("0px", input.GetProperty("radius").GetString());
        var button = await page.EvaluateAsync<JsonElement>("""
            (() => { const s = getComputedStyle(document.getElementById('submit'));
                     return { background: s.backgroundColor, color: s.color, cursor: s.cursor, transform: s.textTransform }; })()
            """);
        // MudBlazor's primary colour, as on the console's filled buttons.
        Assert.Equal("rgb(89, 74, 226)", button.GetProperty("background").GetString());
        Assert.Equal("rgb(255, 255, 255)", button.GetProperty("color").GetString());
        Assert.Equal("pointer", button.GetProperty("cursor").GetString());
        Assert.Equal("uppercase", button.GetProperty("transform").GetString());
        await Screenshot(page, "40-login-styled");

        using var http = new HttpClient { BaseAddress = new Uri(node.Options.AdminUrl) };
        var favicon = await http.GetAsync("/favicon.ico");
        Assert.True(favicon.IsSuccessStatusCode, $"/favicon.ico answered {(int)favicon.StatusCode}");
        Assert.Equal("image/x-icon", favicon.Content.Headers.ContentType?.MediaType);
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        var linked = await http.GetAsync(icon);
        Assert.True(linked.IsSuccessStatusCode, $"{icon} answered {(int)linked.StatusCode}");
        Assert.Equal("image/svg+xml", linked.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_new_jobs_runs_appear_by_themselves_in_local_time_with_units_and_cids_that_lead_to_their_logs_and_delete_asks_first()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-runs", isolated: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        // Tokyo has no summer time: its clock is always UTC + 9.
        await using var context = await browser.NewContextAsync(new() { TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await LogInAsync(page, node);
        await OpenAsync(page, node, "scheduler");

        await CreateAsync(page, ("name", "Every second"), ("service", "demo.hello"), ("seconds", "1"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        // Nothing is clicked again: the runs come by themselves.
        await page.Locator("#runs .run .outcome", new() { HasTextString = "ok" }).First.WaitForAsync(new() { Timeout = 15_000 });
        var row = page.Locator("#runs .run", new() { Has = page.Locator(".outcome", new() { HasTextString = "ok" }) }).First;
        var cid = await row.Locator("a.cid").InnerTextAsync();
        var due = await row.Locator(".due").InnerTextAsync();
        var duration = await row.Locator(".duration").InnerTextAsync();
        Assert.Matches(LocalDate(), due);
        Assert.Matches(Duration(), duration);
        using (var runs = JsonDocument.Parse(await node.Admin.GetStringAsync("/admin/scheduler/Every%20second/runs?limit=50")))
        {
            var run = runs.RootElement.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("cid").GetString() == cid);
            var utc = DateTimeOffset.Parse(run.GetProperty("due").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(utc.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), due);
        }
        await Until(async () => await page.Locator("#runs .run").CountAsync() >= 3, TimeSpan.FromSeconds(15));
        Assert.Matches(LocalDate(), await page.Locator("#job-state .local-time").InnerTextAsync());
        await Screenshot(page, "41-scheduler-runs-by-themselves");

        // Delete asks first; cancelled, nothing is deleted; confirmed, it says what it deleted.
        await page.ClickAsync("#delete");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.Locator(".mud-dialog").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.True((await node.Admin.GetAsync("/admin/scheduler/Every%20second")).IsSuccessStatusCode);
        await page.ClickAsync("#delete");
        await page.Locator(".mud-dialog", new() { HasTextString = "Delete Every second?" }).WaitForAsync();
        await Screenshot(page, "42-delete-asks-first");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.Locator("#message", new() { HasTextString = "deleted Every second" }).WaitForAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await node.Admin.GetAsync("/admin/scheduler/Every%20second")).StatusCode);
        Assert.Equal(0, await page.Locator(".cell-name", new() { HasTextString = "Every second" }).CountAsync());

        // A run's trace: the scheduler firing it, the durable send, the run.
        var trace = await node.Api.TraceAsync(cid);
        Assert.Equal([("channel", "scheduler", "Every second"), ("send", "backbone", "demo.hello"), ("run", "service", "demo.hello")],
            trace.Hops.Select(h => (h.Step, h.Type, h.Name)));

        // A run's cid leads to what the node logged under it.
        await page.GotoAsync($"{node.Options.AdminUrl}/logs?cid={cid}");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Until(async () =>
        {
            await page.ClickAsync("#show-logs");
            await Task.Delay(200);
            return (await page.Locator("#log-lines").InnerTextAsync()).Contains("Greeting partner");
        }, TimeSpan.FromSeconds(15));
        Assert.All(await page.Locator("#log-lines a.cid").AllInnerTextsAsync(), c => Assert.Equal(cid, c));
    }

    [Fact]
    public async Task Logs_say_when_nothing_was_logged_under_a_cid_and_the_last_lines_come_a_page_at_a_time()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-logs");
        for (var i = 0; i < 40; i++) Assert.True((await node.InvokeAsync("demo.hello", $"name=Caller{i}")).IsSuccessStatusCode);
        await LogIsQuietAsync(node);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);

        await page.GotoAsync(node.Options.AdminUrl + "/logs?cid=no-such-cid");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal("nothing was logged under cid no-such-cid on this node", (await page.Locator("#log-empty").InnerTextAsync()).Trim());
        await Screenshot(page, "43-logs-unknown-cid");

        // The last lines, 50 a page, the newest page first.
        await page.FillAsync("#log-cid", "");
        await page.ClickAsync("#show-logs");
        await page.Locator("#log-page", new() { HasTextString = "the last lines" }).WaitForAsync();
        var newest = await page.Locator("#log-lines .log-line").AllInnerTextsAsync();
        Assert.Equal(50, newest.Count);
        var label = Regex.Match(await page.Locator("#log-page").InnerTextAsync(), @"lines (\d+)–(\d+) of (\d+)");
        Assert.True(label.Success, await page.Locator("#log-page").InnerTextAsync());
        var (from, to, total) = (int.Parse(label.Groups[1].Value), int.Parse(label.Groups[2].Value), int.Parse(label.Groups[3].Value));
        Assert.True(total >= 120, $"{total} lines");
        Assert.Equal((total - 49, total), (from, to));
        Assert.True(await page.Locator("#logs-newer").IsDisabledAsync());
        // Every cid in the lines leads to its own lines.
        Assert.True(await page.Locator("#log-lines a.cid").CountAsync() > 10);
        await Screenshot(page, "44-logs-last-lines-paged");

        await page.ClickAsync("#logs-older");
        await page.Locator("#log-page", new() { HasTextString = $"lines {total - 99}–{total - 50} of" }).WaitForAsync();
        var older = await page.Locator("#log-lines .log-line").AllInnerTextsAsync();
        Assert.Equal(50, older.Count);
        Assert.Empty(older.Intersect(newest));
        Assert.True(await page.Locator("#logs-newer").IsEnabledAsync());
        await page.ClickAsync("#logs-newer");
        await page.Locator("#log-page", new() { HasTextString = $"lines {total - 49}–{total} of" }).WaitForAsync();

        // The API pages the same way, and keeps answering ?last=N as before.
        using var paged = JsonDocument.Parse(await node.Admin.GetStringAsync("/admin/logs?last=5&offset=5"));
        using var last = JsonDocument.Parse(await node.Admin.GetStringAsync("/admin/logs?last=10"));
        Assert.Equal(10, last.RootElement.GetProperty("lines").GetArrayLength());
        Assert.Equal(last.RootElement.GetProperty("lines").EnumerateArray().Take(5).Select(l => l.GetString()),
            paged.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
    }

    // The log is written in the background: wait until it stops growing, so that pages stay where they are.
    private static async Task LogIsQuietAsync(TestNode node)
    {
        var total = -1;
        await Until(async () =>
        {
            using var log = JsonDocument.Parse(await node.Admin.GetStringAsync("/admin/logs?last=1"));
            var now = log.RootElement.GetProperty("total").GetInt32();
            var quiet = now == total;
            total = now;
            await Task.Delay(500);
            return quiet;
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_services_screen_shows_a_services_required_input_before_it_is_invoked()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-required");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);
        Assert.Equal("Required input: none", (await page.Locator("#required-input").InnerTextAsync()).Trim());

        await page.Locator(".service-name", new() { HasTextString = "test.order" }).ClickAsync();
        await page.Locator("#selected", new() { HasTextString = "test.order" }).WaitForAsync();
        Assert.Equal(["customer", "quantity"], await page.Locator("#required-input .required-field").AllInnerTextsAsync());
        await Screenshot(page, "45-required-input");

        await page.Locator("textarea").First.FillAsync("customer=Acme\nquantity=2");
        await page.ClickAsync("#invoke");
        await page.Locator("#result-status", new() { HasTextString = "200" }).WaitForAsync();
        Assert.Matches(@"^200 · \d+(\.\d+)? (ms|s) · cid [a-z0-9]+$", await page.Locator("#result-status").InnerTextAsync());
        var row = page.Locator("#services tr", new() { Has = page.Locator(".service-name", new() { HasTextString = "test.order" }) });
        await Until(async () => Duration().IsMatch(await row.Locator(".service-mean").InnerTextAsync()), TimeSpan.FromSeconds(5));
    }
}
