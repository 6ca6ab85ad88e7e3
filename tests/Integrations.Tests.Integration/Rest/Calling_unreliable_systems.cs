using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.Rest;

[Collection(ServersCollection.Name)]
public sealed class Calling_unreliable_systems(Servers servers)
{
    [Fact]
    public async Task A_failed_get_is_retried_and_a_system_that_keeps_failing_is_cut_off_by_the_circuit_breaker()
    {
        var calls = 0;
        await using var system = await TestHttpServer.StartAsync(app =>
        {
            // Every other call fails, then from call 10 on everything fails.
            app.MapGet("/flaky", () => Interlocked.Increment(ref calls) is var n && (n % 2 == 1 || n >= 10)
                ? Results.StatusCode(503)
                : Results.Json(new { n }));
        });
        await using var node = await TestNode.StartAsync(servers, "unreliable", isolated: true);
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Flaky","address":"{{system.Url}}","url_path":"/flaky","retries":1}""");

        // The first attempt gets 503, the retry 200.
        using (var first = JsonDocument.Parse(await (await node.InvokeAsync("test.call-out", "connection=Flaky")).Content.ReadAsStringAsync()))
            Assert.Equal(200, first.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(2, calls);

        // Keep calling a failing system: once most recent calls failed, calls stop reaching it and fail at once.
        string? last = null;
        for (var i = 0; i < 12 && last?.Contains("circuit breaker") != true; i++)
            last = await (await node.InvokeAsync("test.call-out", "connection=Flaky")).Content.ReadAsStringAsync();
        Assert.Contains("Flaky: calls are paused after repeated failures (circuit breaker open)", last);
        var reached = calls;
        var cutOff = await node.InvokeAsync("test.call-out", "connection=Flaky");
        Assert.Equal(HttpStatusCode.BadGateway, cutOff.StatusCode);
        Assert.Equal(reached, calls);
    }
}
