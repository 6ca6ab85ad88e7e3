using Integrations.Adapters.Scheduler;
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

    [Theory]
    [InlineData("run_once")]
    [InlineData("skip")]
    public async Task Runs_missed_while_no_node_could_fire_them_follow_the_misfire_policy_then_the_rhythm_goes_on(string misfire)
    {
        var schema = servers.NewSchema();
        var token = Guid.NewGuid().ToString("N");
        var name = $"missed {misfire} {token[..8]}";
        await using (var first = await TestNode.StartAsync(servers, "misfire-a", o => o.Schema = schema))
        {
            await first.CreateAsync("/admin/scheduler", $$"""{"name":"{{name}}","service":"test.tally","seconds":2,"misfire":"{{misfire}}","extra":"token={{token}}"}""");
            await Until(() => Tally.Count(token) >= 1, TimeSpan.FromSeconds(10));
        }
        var whenStopped = Tally.Count(token);
        // About four runs are missed while no node runs the scheduler.
        await Task.Delay(TimeSpan.FromSeconds(9));

        await using var second = await TestNode.StartAsync(servers, "misfire-b", o => o.Schema = schema);
        var ready = DateTimeOffset.UtcNow;
        await Until(() => Tally.Count(token) >= whenStopped + 3, TimeSpan.FromSeconds(20));
        // The policy is the scheduler's: judged by when each run was fired (the history's "fired"), not by when a
        // worker got to it, which a loaded machine delays.
        var fired = (await RunsOf(second, name)).GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("cid").GetString()!, r => r.GetProperty("fired").GetDateTimeOffset());
        var ran = Tally.Runs[token].ToArray();
        var lastBefore = fired[ran[whenStopped - 1].Cid];
        var after = ran.Skip(whenStopped).Select(r => fired[r.Cid]).ToArray();
        // Never the missed runs in a burst: one run every 2 s from the first on.
        // (A run fired late on a loaded machine still leaves the next one on the rhythm: each is near a whole number of
        // intervals after the first, and none follows another within a second.)
        var gaps = after.Zip(after.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToArray();
        Assert.All(gaps, gap => Assert.InRange(gap, 1000, 3000));
        Assert.All(after.Skip(1), run =>
        {
            var off = (run - after[0]).TotalMilliseconds % 2000;
            Assert.True(off < 900 || off > 1100, $"a run {off:0} ms off the rhythm");
        });
        if (misfire == "run_once")
        {
            // One run at once, then every 2 s from then on.
            Assert.True(after[0] - ready < TimeSpan.FromSeconds(1), $"the catch-up run was fired {(after[0] - ready).TotalMilliseconds:0} ms after the node was up");
        }
        else
        {
            // No catch-up: the next run is due on the old rhythm, a whole number of intervals after the last one.
            var offset = (after[0] - lastBefore).TotalMilliseconds % 2000;
            Assert.True(offset < 400 || offset > 1600, $"the first run after the restart is {offset:0} ms off the old rhythm");
        }

        // The history lists them newest first by when they were due.
        var due = (await RunsOf(second, name)).GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("due").GetDateTimeOffset()).ToList();
        Assert.Equal(due.OrderDescending(), due);
        await second.Admin.DeleteAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}");
    }

    [Fact]
    public async Task A_node_that_stops_cleanly_is_not_reported_as_failed_by_the_next_one()
    {
        var schema = servers.NewSchema();
        await using (await TestNode.StartAsync(servers, "clean-stop-a", o => o.Schema = schema))
        {
        }
        await using var second = await TestNode.StartAsync(servers, "clean-stop-b", o => o.Schema = schema);
        await LogLines.WaitForAsync(second.LogFile, l => l.Contains("Firing scheduled jobs as clean-stop-b"));
        Assert.DoesNotContain(LogLines.All(second.LogFile), l => l.Contains("failed or restarted instances") || l.Contains(" WRN "));
    }
}
