using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;

namespace Integrations.Tests.Integration.Dashboard;

/// <summary>Every kind of configuration object the node has is a screen of the dashboard, made from the kind's declaration.</summary>
[Collection(ServersCollection.Name)]
public sealed class Configuring_every_kind(Servers servers)
{
    [Fact]
    public async Task Every_kind_the_admin_api_describes_has_a_screen_in_the_navigation_with_its_fields()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-kinds", isolated: true);
        var kinds = await node.Api.KindsAsync();
        Assert.Equal(14, kinds.Count);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await LogInAsync(page, node);

        foreach (var kind in kinds)
        {
            var (name, title) = (kind.Name, kind.Title);
            Assert.True(await page.Locator($"a[href='/config/{name}']").CountAsync() == 1, $"no link to the {name} screen in the navigation");
            await OpenAsync(page, node, name);
            await page.Locator("#objects", new() { HasTextString = title }).WaitForAsync();
            await page.ClickAsync("#new");
            await page.Locator("#field-name").WaitForAsync();
            foreach (var field in kind.Fields.Where(f => f.Type is not "boolean"))
                Assert.True(await page.Locator($"#field-{field.Name}").CountAsync() == 1, $"{name}: no input for {field.Name}");
        }

        // The kind that had no screen before: a service's settings, created and listed.
        await OpenAsync(page, node, "service_settings");
        await CreateAsync(page, ("name", "demo.hello"), ("timeout_seconds", "7"));
        await page.Locator("#message", new() { HasTextString = "created" }).WaitForAsync();
        await page.Locator(".cell-name", new() { HasTextString = "demo.hello" }).WaitForAsync();
        Assert.Equal(7, (await node.Admin.GetFromJsonAsync<JsonObject>("/admin/services/demo.hello/settings"))!["timeout_seconds"]!.GetValue<double>());
        await Screenshot(page, "50-service-settings-screen");
    }
}
