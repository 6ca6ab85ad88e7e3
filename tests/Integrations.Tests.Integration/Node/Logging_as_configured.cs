using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.Node;

/// <summary>
/// <c>esb serve</c>'s log as its settings say: JSON lines in <c>server.log</c>, and the sinks of the <c>Serilog</c>
/// section — Seq from <c>appsettings.json</c>, OpenTelemetry from <c>ESB_SERILOG__…</c> variables — loaded by the
/// esb process itself and sending a call's events. A real Seq or collector is not needed to see that: a small local
/// HTTP server stands for both and keeps what they were sent.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Logging_as_configured(Servers servers)
{
    [Fact]
    public async Task Json_lines_in_the_log_file_carry_a_calls_cid_and_the_admin_api_finds_them()
    {
        var folder = Folder("json-lines");
        var (channels, admin) = (Url(), Url());
        await WriteSettingsAsync(folder, new
        {
            Esb = new { RabbitMq = servers.RabbitMq, Postgres = servers.Postgres, Schema = servers.NewSchema(), ChannelsUrl = channels, AdminUrl = admin, LogFormat = "json", Quiet = true },
        });
        await using var node = EsbProcess.Start(folder, Environment(), "serve");
        await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));
        using var http = Admin(admin);

        var cid = await InvokeAsync(http);

        var lines = await LinesAsync(Path.Combine(folder, "logs", "server.log"), cid);
        Assert.Contains(lines, line => line.RootElement.GetProperty("@mt").GetString() == "Greeting {Name}"
            && line.RootElement.GetProperty("Name").GetString() == "Json" && line.RootElement.GetProperty("SourceContext").GetString() == "demo.hello");
        // Every line of the file is JSON, not only the call's.
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(folder, "logs", "server.log")))
            using (JsonDocument.Parse(line)) { }
        using var logs = JsonDocument.Parse(await http.GetStringAsync($"/admin/logs?cid={cid}"));
        Assert.True(logs.RootElement.GetProperty("total").GetInt32() >= 2, logs.RootElement.ToString());
        Assert.All(logs.RootElement.GetProperty("lines").EnumerateArray(), line => Assert.Contains($"\"Cid\":\"{cid}\"", line.GetString()));
    }

    [Fact]
    public async Task Seq_from_the_file_and_opentelemetry_from_the_environment_are_sent_a_calls_events()
    {
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        await using var collector = await TestHttpServer.StartAsync(app => app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((http.Request.Path.Value!, http.Request.ContentType ?? "", body.ToArray()));
            // What an OTLP/HTTP collector answers (an empty ExportLogsServiceResponse), and Seq something like it.
            return Results.Bytes([], http.Request.Path == "/v1/logs" ? "application/x-protobuf" : "application/json");
        }));
        var folder = Folder("sinks");
        var (channels, admin) = (Url(), Url());
        await WriteSettingsAsync(folder, new
        {
            Esb = new { RabbitMq = servers.RabbitMq, Postgres = servers.Postgres, Schema = servers.NewSchema(), ChannelsUrl = channels, AdminUrl = admin, Quiet = true },
            Serilog = new { WriteTo = new object[] { new { Name = "Seq", Args = new { serverUrl = collector.Url, period = "00:00:00.2" } } } },
        });
        await using var node = EsbProcess.Start(folder, Environment(new()
        {
            ["ESB_SERILOG__WRITETO__1__NAME"] = "OpenTelemetry",
            ["ESB_SERILOG__WRITETO__1__ARGS__ENDPOINT"] = collector.Url + "/v1/logs",
            ["ESB_SERILOG__WRITETO__1__ARGS__PROTOCOL"] = "HttpProtobuf",
        }), "serve");
        await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));
        using var http = Admin(admin);

        var cid = await InvokeAsync(http);

        var needle = Encoding.UTF8.GetBytes(cid);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        bool Sent(Func<string, bool> path) => received.Any(r => path(r.Path) && r.Body.AsSpan().IndexOf(needle) >= 0);
        while (!(Sent(p => p == "/v1/logs") && Sent(p => p != "/v1/logs")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        var seen = string.Join(", ", received.Select(r => $"{r.Path} ({r.ContentType}, {r.Body.Length} bytes)"));
        Assert.True(Sent(p => p == "/v1/logs"), $"no OTLP export with cid {cid}: {seen}\n{node.Error}");
        Assert.Contains(received, r => r.Path == "/v1/logs" && r.ContentType.StartsWith("application/x-protobuf", StringComparison.Ordinal));
        Assert.True(Sent(p => p != "/v1/logs"), $"no Seq batch with cid {cid}: {seen}\n{node.Error}");
        // Seq is sent compact JSON lines: the call's greeting among them, with its cid.
        var seq = received.Where(r => r.Path != "/v1/logs").SelectMany(r => Encoding.UTF8.GetString(r.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Contains(seq, line => line.Contains($"\"Cid\":\"{cid}\"", StringComparison.Ordinal) && line.Contains("Greeting {Name}", StringComparison.Ordinal));
        // The node's own file is as it always is.
        await LogLines.WaitForAsync(Path.Combine(folder, "logs", "server.log"), line => line.Contains($"[demo.hello] cid={cid} Greeting Json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sink_the_node_does_not_have_stops_it_naming_the_variable()
    {
        var folder = Folder("bad-sink");
        await using var node = EsbProcess.Start(folder, new Dictionary<string, string>
        {
            ["ESB_SERILOG__WRITETO__0__NAME"] = "Elasticsearch",
        }, "serve");
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, node.ExitCode);
        Assert.StartsWith("esb serve: ESB_SERILOG__WRITETO__0__NAME: no sink named 'Elasticsearch'; the node has ", node.Error);
        Assert.DoesNotContain("   at ", node.Error);
    }

    // Invokes demo.hello through the admin API and waits until its lines are in the log: its cid.
    private static async Task<string> InvokeAsync(HttpClient admin)
    {
        using var invoked = await admin.PostAsync("/admin/services/demo.hello/invoke", new StringContent("name=Json", Encoding.UTF8, "text/plain"));
        invoked.EnsureSuccessStatusCode();
        return invoked.Headers.GetValues("X-Esb-Cid").Single();
    }

    // The file's lines of one cid, as JSON, once the call's greeting is among them.
    private static async Task<List<JsonDocument>> LinesAsync(string file, string cid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = File.Exists(file)
                ? (await File.ReadAllLinesAsync(file)).Where(l => l.Contains(cid, StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l)).ToList()
                : [];
            if (lines.Any(l => l.RootElement.TryGetProperty("Cid", out var c) && c.GetString() == cid && l.RootElement.GetProperty("@mt").GetString() == "Greeting {Name}")
                || DateTime.UtcNow > deadline)
                return lines;
            await Task.Delay(100);
        }
    }

    private static HttpClient Admin(string url)
    {
        var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + TestNode.AdminPassword)));
        return http;
    }

    private static Dictionary<string, string> Environment(Dictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string> { ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword };
        foreach (var (key, value) in more ?? []) environment[key] = value;
        return environment;
    }

    private static string Url() => $"http://127.0.0.1:{Ports.Free()}";

    private static async Task WriteSettingsAsync(string folder, object settings)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), JsonSerializer.Serialize(settings));
    }

    private static string Folder(string name) => Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
}
