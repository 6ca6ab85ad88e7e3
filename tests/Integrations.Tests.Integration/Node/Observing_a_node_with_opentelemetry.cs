using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integrations.Bus.Node;
using Integrations.Bus.Telemetry;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Trace;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Node;

/// <summary>
/// A node seen with the tools operations already use: one trace across an edge and a worker (the caller's trace
/// continued, carried over HTTP and over the backbone's AMQP headers, the cid on every span), and a real Prometheus
/// scraping <c>/metrics</c> on the admin port.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Observing_a_node_with_opentelemetry(Servers servers)
{
    [Fact]
    public async Task One_trace_crosses_the_edge_the_backbone_the_worker_and_the_outgoing_call_continuing_the_callers()
    {
        var spans = new List<Activity>();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(EsbTelemetry.Name).AddInMemoryExporter(spans).Build();
        var partnerSaw = new ConcurrentQueue<string>();
        await using var partner = await TestHttpServer.StartAsync(app => app.MapGet("/customer", (HttpContext http) =>
        {
            partnerSaw.Enqueue(http.Request.Headers["traceparent"].ToString());
            return Results.Json(new { name = "Ada" });
        }));
        await using var edge = await TestNode.StartAsync(servers, "trace-edge", o => o.Roles = NodeRoles.Edge | NodeRoles.Dashboard, isolated: true);
        await using var worker = await TestNode.StartAsync(servers, "trace-worker", o =>
        {
            o.Roles = NodeRoles.Worker;
            o.Schema = edge.Options.Schema;
        });
        await edge.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Partner","address":"{{partner.Url}}","url_path":"/customer"}""");
        await edge.CreateAsync("/admin/channels/rest", """{"name":"traced","service":"test.call-out","url_path":"/traced"}""");

        // The caller's own trace: the node's spans continue it.
        var callerTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        HttpResponseMessage? answer = null;
        await Until(async () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/traced?connection=Partner");
            request.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01");
            answer = await edge.Channels.SendAsync(request);
            return answer.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15));
        var cid = answer!.Headers.GetValues("X-Esb-Cid").Single();
        tracing.ForceFlush();

        Activity[] trace;
        lock (spans) trace = [.. spans.Where(s => s.TraceId == callerTrace)];
        Activity Named(string name) => Assert.Single(trace, s => s.DisplayName == name);
        var channel = Named("rest traced");
        var call = Named("call test.call-out");
        var run = Named("run test.call-out");
        var outgoing = Named("rest out Partner");

        // Parent and child, in order: caller → channel (edge) → backbone call → run (worker) → outgoing call.
        Assert.Equal(callerSpan, channel.ParentSpanId);
        Assert.Equal(ActivityKind.Server, channel.Kind);
        Assert.Equal(channel.SpanId, call.ParentSpanId);
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal(call.SpanId, run.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal("trace-worker", run.GetTagItem(EsbTelemetry.NodeTag));
        Assert.Equal(run.SpanId, outgoing.ParentSpanId);
        Assert.Equal(ActivityKind.Client, outgoing.Kind);
        Assert.True(channel.StartTimeUtc <= call.StartTimeUtc && call.StartTimeUtc <= run.StartTimeUtc && run.StartTimeUtc <= outgoing.StartTimeUtc);
        Assert.True(outgoing.Duration <= run.Duration && run.Duration <= call.Duration && call.Duration <= channel.Duration);
        Assert.All(new[] { channel, call, run, outgoing }, span => Assert.Equal(cid, span.GetTagItem(EsbTelemetry.CidTag)));
        Assert.Equal(200, outgoing.GetTagItem(EsbTelemetry.StatusTag));

        // Over HTTP too: the partner was called in the same trace (under the outgoing call's span, through HttpClient's own).
        Assert.Contains(partnerSaw, seen => seen.StartsWith($"00-{callerTrace}-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_admin_port_and_its_api_returns_the_call_counter()
    {
        var prometheus = Environment.GetEnvironmentVariable("ESB_TEST_PROMETHEUS") is { Length: > 0 } given ? given : "/usr/bin/prometheus";
        Assert.True(File.Exists(prometheus), $"this test runs Prometheus ({prometheus}): apt-get install prometheus, as ./test.sh does, or set ESB_TEST_PROMETHEUS");
        await using var node = await TestNode.StartAsync(servers, "metrics-node", isolated: true);
        var channelName = "metered-" + Guid.NewGuid().ToString("N")[..6];
        await node.CreateAsync("/admin/channels/rest", $$"""{"name":"{{channelName}}","service":"demo.hello","url_path":"/{{channelName}}"}""");
        await Until(async () => (await node.Channels.GetAsync("/" + channelName)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        for (var i = 1; i < 7; i++) Assert.Equal(HttpStatusCode.OK, (await node.Channels.GetAsync("/" + channelName)).StatusCode);

        // The scrape endpoint answers in Prometheus's text format, without a login.
        using var anonymous = new HttpClient { BaseAddress = node.Admin.BaseAddress };
        var text = await anonymous.GetStringAsync("/metrics");
        Assert.Contains($"esb_channel_calls_total{{", text);
        Assert.Contains("esb_service_duration_seconds_bucket", text);

        var folder = Directory.CreateTempSubdirectory("esb-prometheus-").FullName;
        var admin = new Uri(node.Options.AdminUrl);
        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: esb
                static_configs:
                  - targets: ["{admin.Host}:{admin.Port}"]
            """);
        var port = Ports.Free();
        using var server = Process.Start(new ProcessStartInfo(prometheus,
            [$"--config.file={Path.Combine(folder, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        var output = new ConcurrentQueue<string>();
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        server.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var query = Uri.EscapeDataString($"sum(esb_channel_calls_total{{channel=\"{channelName}\",status=\"200\"}})");
            double? counted = null;
            try
            {
                await Until(async () =>
                {
                    try
                    {
                        using var result = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/query?query={query}"));
                        var values = result.RootElement.GetProperty("data").GetProperty("result");
                        counted = values.GetArrayLength() == 1 ? double.Parse(values[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null;
                        return counted == 7;
                    }
                    catch (HttpRequestException)
                    {
                        return false; // not up yet
                    }
                }, TimeSpan.FromSeconds(30));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Prometheus counted {counted?.ToString() ?? "nothing"} calls of {channelName}, not 7 ({e.Message}); it said:\n{string.Join('\n', output)}");
            }
            Assert.Equal(7, counted);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
