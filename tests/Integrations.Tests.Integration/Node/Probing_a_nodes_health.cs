using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Node;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c>, on the channel port and the admin port (no login: they are for
/// probes): ready names each check, turns 503 while RabbitMQ or PostgreSQL is away and 200 again when it is back;
/// live stays 200 all along.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Probing_a_nodes_health(Servers servers)
{
    [Fact]
    public async Task Ready_is_503_naming_what_is_away_while_the_broker_or_the_database_is_and_live_stays_200()
    {
        await using var broker = await PrivateBroker.StartAsync();
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "health-node", o =>
        {
            o.RabbitMq = broker.Address;
            o.Postgres = postgres.ConnectionString;
        }, isolated: true);
        using var anonymousAdmin = new HttpClient { BaseAddress = node.Admin.BaseAddress };
        HttpClient[] ports = [node.Channels, anonymousAdmin];

        foreach (var port in ports)
        {
            var (status, ready) = await HealthAsync(port, "/health/ready");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("healthy", ready.GetProperty("status").GetString());
            Assert.Equal("health-node", ready.GetProperty("node").GetString());
            foreach (var check in new[] { "message_bus", "database", "configuration" })
                Assert.Equal("healthy", ready.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
            Assert.Contains("objects, last read", ready.GetProperty("checks").GetProperty("configuration").GetProperty("description").GetString());
            var (liveStatus, live) = await HealthAsync(port, "/health/live");
            Assert.Equal(HttpStatusCode.OK, liveStatus);
            Assert.Empty(live.GetProperty("checks").EnumerateObject());
        }

        await broker.StopAsync();
        await Until(async () => (await HealthAsync(node.Channels, "/health/ready")).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        foreach (var port in ports)
        {
            var (status, ready) = await HealthAsync(port, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unhealthy", ready.GetProperty("status").GetString());
            var bus = ready.GetProperty("checks").GetProperty("message_bus");
            Assert.Equal("unhealthy", bus.GetProperty("status").GetString());
            Assert.Contains("not reachable right now", bus.GetProperty("description").GetString());
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await HealthAsync(port, "/health/live")).Status);
        }
        await broker.StartAgainAsync();
        await Until(async () => (await HealthAsync(node.Channels, "/health/ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        await postgres.StopAsync();
        foreach (var port in ports)
        {
            var (status, ready) = await HealthAsync(port, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var database = ready.GetProperty("checks").GetProperty("database");
            Assert.Equal("unhealthy", database.GetProperty("status").GetString());
            Assert.Contains("not reachable", database.GetProperty("description").GetString());
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("message_bus").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await HealthAsync(port, "/health/live")).Status);
        }
        await postgres.StartAgainAsync();
        await Until(async () => (await HealthAsync(anonymousAdmin, "/health/ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await node.Channels.PostAsync("/health/ready", null)).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(HttpClient port, string path)
    {
        var response = await port.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }
}
