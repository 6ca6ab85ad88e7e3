using System.Text;
using Integrations.Tests.Integration.Infrastructure;
using Integrations.Tests.Integration.Operations;
using Microsoft.Playwright;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;

namespace Integrations.Tests.Integration.Dashboard;

[Collection(ServersCollection.Name)]
public sealed class Fixing_failed_messages_in_the_dashboard(Servers servers)
{
    [Fact]
    public async Task An_operator_sees_the_failed_messages_grouped_retries_the_group_and_edits_the_one_still_failing()
    {
        await using var node = await TestNode.StartAsync(servers, "dashboard-failed", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        var queue = "dash.ship." + id;
        var (good, bad) = ($"{id}-good", $"{id}-bad");
        ShipOrder.Failing[good] = ShipOrder.Failing[bad] = true;
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Dispatch","connection":"Backbone","queue":"{{queue}}","service":"test.ship-order","retries":0}""");
        var factory = new ConnectionFactory { Uri = new Uri(servers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await Until(async () => await servers.QueueDepthAsync(queue) is not null, TimeSpan.FromSeconds(10));
            foreach (var order in new[] { good, bad })
                await channel.BasicPublishAsync("", queue, true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes($$"""{"order":"{{order}}"}"""));
        }
        await Keeping_failed_messages.WaitForFailedAsync(node, "channel", "Dispatch", 2);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await LogInAsync(page, node);
        await page.GotoAsync(node.Options.AdminUrl + "/failed");
        await page.Locator("#interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal("2", await page.Locator(".failed-group .group-count").InnerTextAsync());
        Assert.Equal(2, await page.Locator(".failed-message").CountAsync());
        await page.Locator(".failed-message .failed-where").First.ClickAsync();
        await page.Locator("#failed-detail").WaitForAsync();
        Assert.Contains("System.InvalidOperationException", await page.Locator("#failed-detail").InnerTextAsync());
        await Screenshot(page, "40-failed-messages");

        // The carrier takes the good order again: the group is retried, and the bad one comes back to it.
        ShipOrder.Failing.TryRemove(good, out _);
        await page.Locator(".retry-group").ClickAsync();
        await page.Locator("#failed-done", new() { HasTextString = "retried 2 messages" }).WaitForAsync();
        await Until(() => Task.FromResult(ShipOrder.Shipped.ContainsKey(good)), TimeSpan.FromSeconds(15));
        await Until(async () =>
        {
            await page.ClickAsync("#failed-search");
            await Task.Delay(200);
            return await page.Locator(".failed-message").CountAsync() == 1;
        }, TimeSpan.FromSeconds(15));

        // The bad one, edited in the page, is sent as edited; its original stays.
        await page.Locator(".failed-message .failed-where").First.ClickAsync();
        await page.Locator("#detail-body", new() { HasTextString = bad }).WaitForAsync();
        await page.FillAsync("#detail-edit", $$"""{"order":"{{bad}}-fixed","address":"7 Dock Rd"}""");
        await page.ClickAsync("#detail-edit-retry");
        await page.Locator("#failed-done", new() { HasTextString = "retried 1 message" }).WaitForAsync();
        await Until(() => Task.FromResult(ShipOrder.Shipped.TryGetValue(bad + "-fixed", out var address) && address == "7 Dock Rd"), TimeSpan.FromSeconds(15));
        await page.Locator("#failed-empty").WaitForAsync();
        await Screenshot(page, "41-failed-message-edited-and-retried");
        var kept = (await node.Api.FailedAsync(new Dictionary<string, string> { ["state"] = "retried", ["text"] = bad })).Messages;
        var detail = await node.Api.FailedMessageAsync(Assert.Single(kept, m => m.Channel == "Dispatch" && m.Edited).Id);
        Assert.Equal($$"""{"order":"{{bad}}"}""", detail.Body);
    }
}
