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
}
