using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Faults;

/// <summary>
/// A node whose PostgreSQL goes away keeps serving its channels from memory; a configuration change is refused whole,
/// in JSON, with a cid and when to try again; and works again once the database is back.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Serving_while_the_database_is_away(Servers servers)
{
    [Fact]
    public async Task Channels_keep_serving_and_configuration_writes_answer_503_then_work_when_it_returns()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "database-away", o => o.Postgres = postgres.ConnectionString, isolated: true);
        await node.CreateAsync("/admin/channels/rest", """{"name":"Hello","service":"demo.hello","url_path":"/db-away/hello"}""");

        await postgres.StopAsync();
        // Under load: every call is served from memory while the database is away.
        var calls = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ => (await node.Channels.GetAsync("/db-away/hello?name=Mike")).StatusCode));
        Assert.All(calls, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal("""{"greeting":"Howdy Mike!"}""", await (await node.Channels.GetAsync("/db-away/hello?name=Mike")).Content.ReadAsStringAsync());
        var refused = await node.Admin.PostAsync("/admin/channels/rest", AdminCalls.Json("""{"name":"Later","service":"demo.hello","url_path":"/db-away/later"}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        using (var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            var cid = json.RootElement.GetProperty("cid").GetString();
            Assert.Equal($"the configuration database (PostgreSQL) is not reachable right now; nothing was changed; try again (cid={cid})",
                json.RootElement.GetProperty("error").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await node.Channels.GetAsync("/db-away/later")).StatusCode);

        await postgres.StartAgainAsync();
        var back = System.Diagnostics.Stopwatch.StartNew();
        await Until(async () => (await node.Admin.PostAsync("/admin/channels/rest",
            AdminCalls.Json("""{"name":"Later","service":"demo.hello","url_path":"/db-away/later"}"""))).StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, (await node.Channels.GetAsync("/db-away/later?name=Ann")).StatusCode);
        Lab.FaultRun.Row("REST channel, PostgreSQL stopped", calls.Length, calls.Count(s => s == HttpStatusCode.OK),
            $"configuration writes 503 meanwhile; 201 again {back.Elapsed.TotalSeconds:0.0} s after its return");
    }

    [Fact]
    public async Task A_message_given_up_on_while_it_is_away_waits_in_its_dead_letter_queue_and_is_stored_when_it_returns()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var node = await TestNode.StartAsync(servers, "database-away-failed", o => o.Postgres = postgres.ConnectionString, isolated: true);
        var queue = "db-away.orders." + Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Refused","connection":"Backbone","queue":"{{queue}}","service":"demo.hello"}""");
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(servers.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Until(async () => await servers.QueueDepthAsync(queue + ".dead") is not null, TimeSpan.FromSeconds(10));

        await postgres.StopAsync();
        await channel.BasicPublishAsync("", queue, true, new RabbitMQ.Client.BasicProperties { Persistent = true }, System.Text.Encoding.UTF8.GetBytes("""{"name": 5}"""));
        // Refused by the service, kept by the broker: the store cannot take it, so it stays in the dead-letter queue
        // (given back, and taken again every second), never acknowledged.
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("could not be stored") && l.Contains(queue + ".dead"));
        await Task.Delay(TimeSpan.FromSeconds(2));

        await postgres.StartAgainAsync();
        var failed = await Operations.Keeping_failed_messages.WaitForFailedAsync(node, "channel", "Refused", 1, seconds: 30);
        Assert.Equal(400, failed.Messages[0].Status);
        await Until(async () => await servers.QueueDepthAsync(queue + ".dead") == 0, TimeSpan.FromSeconds(10));
    }
}
