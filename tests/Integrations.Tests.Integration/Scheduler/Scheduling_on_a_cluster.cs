using Integrations.Bus.Scheduling;
using Integrations.Tests.Integration.Infrastructure;
using Marten;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Scheduler;

[Collection(ServersCollection.Name)]
public sealed class Scheduling_on_a_cluster(Servers servers)
{
    [Fact]
    public async Task With_two_nodes_each_of_twenty_firings_runs_exactly_once()
    {
        await using var first = await TestNode.StartAsync(servers, "cluster-sched-a", isolated: true);
        await using var second = await TestNode.StartAsync(servers, "cluster-sched-b", o => o.Schema = first.Options.Schema);
        var token = Guid.NewGuid().ToString("N");
        var name = "twenty " + token[..8];
        await second.CreateAsync("/admin/scheduler", $$"""{"name":"{{name}}","service":"test.tally","seconds":1,"repeats":20,"extra":"token={{token}}"}""");

        await Until(() => Tally.Count(token) >= 20, TimeSpan.FromSeconds(40));
        await Task.Delay(3000);
        var runs = Tally.Runs[token].ToArray();
        Assert.Equal(20, runs.Length);
        Assert.Equal(20, runs.Select(r => r.Cid).Distinct().Count());

        var status = await RunsOf(first, name);
        Assert.Equal("finished", status.GetProperty("state").GetString());
        var recorded = status.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(20, recorded.Count);
        Assert.Equal(runs.Select(r => r.Cid).Order(), recorded.Select(r => r.GetProperty("cid").GetString()!).Order());
        Assert.All(recorded, r => Assert.Equal("ok", r.GetProperty("outcome").GetString()));
        Assert.Equal(20, recorded.Select(r => r.GetProperty("due").GetDateTimeOffset()).Distinct().Count());
    }

    [Fact]
    public async Task A_job_survives_its_node_and_goes_on_running_on_the_node_that_starts_next()
    {
        var schema = servers.NewSchema();
        var token = Guid.NewGuid().ToString("N");
        var name = "survivor " + token[..8];
        await using (var first = await TestNode.StartAsync(servers, "restart-sched-a", o => o.Schema = schema))
        {
            await first.CreateAsync("/admin/scheduler", $$"""{"name":"{{name}}","service":"test.tally","seconds":1,"extra":"token={{token}}"}""");
            await Until(() => Tally.Count(token) >= 2, TimeSpan.FromSeconds(10));
        }
        var whenStopped = Tally.Count(token);

        await using var second = await TestNode.StartAsync(servers, "restart-sched-b", o => o.Schema = schema);
        await Until(() => Tally.Count(token) >= whenStopped + 3, TimeSpan.FromSeconds(30));
        await using var session = second.Get<IDocumentStore>().QuerySession();
        var nodes = await session.Query<JobRun>().Where(r => r.Job == name).Select(r => r.Node).Distinct().ToListAsync();
        Assert.Contains("restart-sched-a", nodes);
        Assert.Contains("restart-sched-b", nodes);
        await second.Admin.DeleteAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}");
    }
}
