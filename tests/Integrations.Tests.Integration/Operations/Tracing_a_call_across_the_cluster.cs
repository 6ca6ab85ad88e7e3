using System.Net;
using Integrations.Bus.Node;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Operations;

/// <summary>
/// One call's whole path, from the nodes that made it: each node keeps its recent hops and answers a trace question
/// over the bus, so the edge that took a call shows the worker's run and its outgoing call too; and the same
/// question mechanism adds up every node's rates.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Tracing_a_call_across_the_cluster(Servers servers)
{
    [Fact]
    public async Task The_edge_shows_every_hop_of_a_cid_on_both_nodes_earliest_first_and_the_rates_of_both()
    {
        await using var partner = await TestHttpServer.StartAsync(app => app.MapGet("/customer", () => Results.Json(new { name = "Ada" })));
        void Beat(NodeOptions o) => o.HeartbeatInterval = TimeSpan.FromSeconds(1);
        await using var edge = await TestNode.StartAsync(servers, "hops-edge", o => { Beat(o); o.Roles = NodeRoles.Edge | NodeRoles.Dashboard; }, isolated: true);
        await using var worker = await TestNode.StartAsync(servers, "hops-worker", o => { Beat(o); o.Roles = NodeRoles.Worker; o.Schema = edge.Options.Schema; });
        await edge.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Partner","address":"{{partner.Url}}","url_path":"/customer"}""");
        await edge.CreateAsync("/admin/channels/rest", """{"name":"traced","service":"test.call-out","url_path":"/traced"}""");
        await Until(async () => (await edge.Api.NodesAsync()).Any(n => n.Name == "hops-worker" && n.State == "up"), TimeSpan.FromSeconds(10));

        HttpResponseMessage? answer = null;
        await Until(async () => (answer = await edge.Channels.GetAsync("/traced?connection=Partner")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        var cid = answer!.Headers.GetValues("X-Esb-Cid").Single();

        var trace = await edge.Api.TraceAsync(cid);
        Assert.Equal(cid, trace.Cid);
        Assert.Equal(["hops-edge", "hops-worker"], trace.Nodes);
        Assert.Empty(trace.Missing);
        Assert.Equal(
        [
            ("hops-edge", "channel", "rest", "traced", "GET /traced"),
            ("hops-edge", "call", "backbone", "test.call-out", null),
            ("hops-worker", "run", "service", "test.call-out", "built-in"),
            ("hops-worker", "outgoing", "rest", "Partner", "GET"),
        ], trace.Hops.Select(h => (h.Node, h.Step, h.Type, h.Name, h.Detail)));
        Assert.All(trace.Hops, h => Assert.Equal((200, null), (h.Status, h.Error)));
        // A waterfall: each hop starts within the one before it and ends within it too (one clock: both nodes are in this process).
        for (var i = 1; i < trace.Hops.Count; i++)
        {
            var (outer, inner) = (trace.Hops[i - 1], trace.Hops[i]);
            Assert.True(outer.Started <= inner.Started, $"{inner.Step} starts before {outer.Step}");
            Assert.True(inner.Started.AddMilliseconds(inner.Milliseconds) <= outer.Started.AddMilliseconds(outer.Milliseconds + 1), $"{inner.Step} ends after {outer.Step}");
        }

        // The same from the command line: a table, a line per hop, and what it says when nothing is kept.
        var cli = await EsbCli.For(edge).RunAsync("trace", cid);
        Assert.Equal(0, cli.ExitCode);
        Assert.Matches($"^cid {cid}: 4 hops on 2 nodes over [0-9.]+ ms, from ", cli.OutLines[0]);
        Assert.Matches("^ *AT MS +TIME MS +NODE +STEP +HOP +STATUS +WATERFALL$", cli.OutLines[1]);
        Assert.Matches(@"^ *\+0\.000 +[0-9.]+ +hops-edge +channel +rest channel traced \(GET /traced\) +200 +\|#+ *\|$", cli.OutLines[2]);
        Assert.Matches(@"hops-worker +outgoing +rest out Partner \(GET\) +200 +\| *#+ *\|$", cli.OutLines[5]);
        var unknown = await EsbCli.For(edge).RunAsync("trace", "no-such-cid");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no node of the cluster (hops-edge, hops-worker) keeps a hop under cid no-such-cid", unknown.Err);
        var badCid = await edge.Admin.GetAsync("/admin/trace/a%20b");
        Assert.Equal((HttpStatusCode.BadRequest, "cid: letters, digits, '-', '_' and '.', at most 64"), (badCid.StatusCode, await AdminCalls.ErrorOf(badCid)));

        // Rates: the service ran on the worker, the channel was called on the edge; the edge's answer has both.
        var stats = await edge.Api.StatsAsync("5m");
        Assert.Equal(["hops-edge", "hops-worker"], stats.Nodes);
        Assert.Equal((10, 30), (stats.StepSeconds, stats.Series[0].Points.Count));
        var service = Assert.Single(stats.Series, s => s.Kind == "service");
        var channel = Assert.Single(stats.Series, s => s.Kind == "channel");
        Assert.Equal(("test.call-out", null, 0L), (service.Name, service.Type, service.Errors));
        Assert.Equal(("traced", "rest"), (channel.Name, channel.Type));
        Assert.True(service.Calls >= 1 && channel.Calls == service.Calls, $"{service.Calls} runs, {channel.Calls} calls");
        Assert.True(service.P99Ms <= channel.P99Ms * 1.2, $"a run (p99 {service.P99Ms} ms) takes no longer than the call it is in ({channel.P99Ms} ms)");
        Assert.Equal(service.Calls, service.Points.Sum(p => Math.Round(p.CallsPerSecond * stats.StepSeconds)));
        var badWindow = await edge.Admin.GetAsync("/admin/stats?window=2d");
        Assert.Equal((HttpStatusCode.BadRequest, "window: '2d' is not a window; use 5m or 1h"), (badWindow.StatusCode, await AdminCalls.ErrorOf(badWindow)));
        var hour = await edge.Api.StatsAsync("1h");
        Assert.Equal(60, hour.StepSeconds);
        Assert.Equal(service.Calls, Assert.Single(hour.Series, s => s.Kind == "service").Calls);

        var table = await EsbCli.For(edge).RunAsync("stats");
        Assert.Equal(0, table.ExitCode);
        Assert.Equal("the last 5 minutes on 2 nodes (hops-edge, hops-worker)", table.OutLines[0]);
        Assert.Matches("^KIND +NAME +CALLS +CALLS/S +ERRORS +ERRORS/S +P50 MS +P95 MS +P99 MS$", table.OutLines[1]);
        Assert.Matches($"^service +test.call-out +{service.Calls} +[0-9.]+ +0 +0 +[0-9.]+ +[0-9.]+ +[0-9.]+$", table.OutLines[2]);
        Assert.Matches($"^channel +traced \\(rest\\) +{channel.Calls} ", table.OutLines[3]);
    }

    [Fact]
    public async Task A_node_that_does_not_answer_in_time_is_named_as_missing_and_the_others_answer()
    {
        await using var node = await TestNode.StartAsync(servers, "hops-asker", o => o.HeartbeatInterval = TimeSpan.FromSeconds(1), isolated: true);
        // A node that heartbeats but never answers a question: its hops cannot be shown, and the answer says so.
        var silent = new Integrations.Messages.NodeHeartbeat
        {
            Node = "hops-silent", Schema = node.Options.Schema, Roles = "worker", Started = DateTimeOffset.UtcNow, At = DateTimeOffset.UtcNow, IntervalSeconds = 60,
        };
        node.Get<ClusterNodes>().Hear(silent);
        Assert.Equal(200, (int)(await node.InvokeAsync("demo.hello", "name=Ada")).StatusCode);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var stats = await node.Api.StatsAsync();
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.Equal(["hops-asker"], stats.Nodes);
        Assert.Equal(["hops-silent"], stats.Missing);
        Assert.Contains(stats.Series, s => s.Name == "demo.hello");
        var cli = await EsbCli.For(node).RunAsync("stats");
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("esb stats: hops-silent did not answer in time; its figures are not in", cli.Err);
    }

    [Fact]
    public async Task A_cid_in_the_dashboard_leads_to_its_trace_and_the_cluster_screen_charts_the_rates()
    {
        await using var node = await TestNode.StartAsync(servers, "hops-screens", isolated: true);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await Dashboard.Using_the_dashboard.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await Dashboard.Using_the_dashboard.LogInAsync(page, node);

        // Invoked from the Services screen: the answer's cid is a link to its trace.
        await page.Locator("#interactive").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await page.Locator("#selected", new() { HasTextString = "demo.hello" }).WaitForAsync();
        await page.FillAsync("#parameters", "name=Ada");
        for (var i = 0; i < 3; i++)
        {
            await page.ClickAsync("#invoke");
            await page.Locator("#result", new() { HasTextString = "Howdy Ada!" }).WaitForAsync();
        }
        await page.Locator(".service-rate-figures", new() { HasTextString = "3 runs · 0 failed" }).WaitForAsync(new() { Timeout = 10_000 });
        await page.Locator("#service-rates .chart-calls svg").WaitForAsync();
        await Dashboard.Using_the_dashboard.Screenshot(page, "43-service-rates");

        var cid = await page.InnerTextAsync("#result-cid");
        await page.ClickAsync("#result-cid");
        await page.WaitForURLAsync($"**/trace?cid={cid}");
        await page.Locator("#trace-hops .hop").First.WaitForAsync();
        Assert.Equal(["admin API invoke", "call demo.hello through the backbone", "demo.hello ran"],
            (await page.Locator("#trace-hops .hop-what").AllInnerTextsAsync()).Select(t => t.Split(" · ")[0].Trim()));
        Assert.All(await page.Locator("#trace-hops .hop-node").AllInnerTextsAsync(), n => Assert.Equal("hops-screens", n));
        Assert.Matches($"^cid {cid}: 3 hops on 1 node over ", await page.InnerTextAsync("#trace-summary"));
        Assert.Equal(3, await page.Locator("#trace-hops .hop-bar").CountAsync());
        await Dashboard.Using_the_dashboard.Screenshot(page, "44-trace");
        // What the node logged under it is a click away.
        await page.ClickAsync("#trace-logs");
        await page.WaitForURLAsync($"**/logs?cid={cid}");

        // A cid no node keeps: said so, with where to look further.
        await page.GotoAsync(node.Options.AdminUrl + "/trace?cid=nothing-here");
        await page.Locator("#trace-empty", new() { HasTextString = "no node of the cluster (hops-screens) keeps a hop under cid nothing-here" }).WaitForAsync();

        // The cluster overview: a chart of the services' and the channels' rates and a row per series.
        await page.GotoAsync(node.Options.AdminUrl + "/cluster");
        var row = page.Locator("#rates .rate", new() { Has = page.Locator(".rate-name", new() { HasTextString = "demo.hello" }) });
        await row.WaitForAsync();
        Assert.Equal("3", await row.Locator(".rate-calls").InnerTextAsync());
        await page.Locator("#rates .rate-name", new() { HasTextString = "invoke (admin)" }).WaitForAsync();
        // Both charts, once the page is interactive (a chart draws in the browser).
        await page.Locator("#interactive").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await page.Locator(".rate-charts .chart-calls svg").Nth(1).WaitForAsync();
        Assert.Contains("on 1 node (hops-screens)", await page.InnerTextAsync("#cluster-summary"));
        await Dashboard.Using_the_dashboard.Screenshot(page, "45-cluster");
    }
}
