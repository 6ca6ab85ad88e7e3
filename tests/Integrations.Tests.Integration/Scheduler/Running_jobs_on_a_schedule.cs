using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Scheduler;

[Collection(ServersCollection.Name)]
public sealed class Running_jobs_on_a_schedule(Servers servers)
{
    [Fact]
    public async Task An_interval_job_runs_every_interval_under_its_own_cid_and_stops_while_paused()
    {
        await using var node = await TestNode.StartAsync(servers, "sched-interval");
        var token = Guid.NewGuid().ToString("N");
        var created = await node.CreateAsync("/admin/scheduler", $$"""{"name":"tally {{token}}","service":"test.tally","seconds":1,"extra":"token={{token}}"}""");
        Assert.Equal("interval_based", created.GetProperty("job_type").GetString());

        await Until(() => Tally.Count(token) >= 3, TimeSpan.FromSeconds(10));
        var runs = Tally.Runs[token].ToArray();
        Assert.All(runs, r => Assert.Equal("scheduler", r.Channel));
        Assert.All(runs, r => Assert.Equal($"tally {token}", r.Caller));
        Assert.Equal(runs.Length, runs.Select(r => r.Cid).Distinct().Count());
        var gaps = runs.Zip(runs.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToArray();
        Assert.All(gaps, gap => Assert.InRange(gap, 600, 1400));

        // Each run is in the history with its outcome, and in the log under its cid.
        var status = await RunsOf(node, $"tally {token}");
        Assert.Equal("scheduled", status.GetProperty("state").GetString());
        var recorded = status.GetProperty("runs").EnumerateArray().ToList();
        Assert.True(recorded.Count >= 3);
        await Until(async () => (await RunsOf(node, $"tally {token}")).GetProperty("runs").EnumerateArray().Skip(1).All(r => r.GetProperty("outcome").GetString() == "ok"),
            TimeSpan.FromSeconds(5));
        var cid = runs[0].Cid;
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"cid={cid}") && l.Contains("[scheduler]") && l.Contains($"job tally {token} → test.tally"));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"cid={cid}") && l.Contains("[test.tally]") && l.Contains($"tally {token}"));

        Assert.Equal(HttpStatusCode.OK, (await node.Admin.PostAsync($"/admin/scheduler/tally%20{token}/pause", null)).StatusCode);
        await Task.Delay(1500); // a run sent just before the pause may still arrive
        var whenPaused = Tally.Count(token);
        await Task.Delay(3000);
        Assert.Equal(whenPaused, Tally.Count(token));
        Assert.Equal("paused", (await RunsOf(node, $"tally {token}")).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.OK, (await node.Admin.PostAsync($"/admin/scheduler/tally%20{token}/resume", null)).StatusCode);
        await Until(() => Tally.Count(token) >= whenPaused + 2, TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.NoContent, (await node.Admin.DeleteAsync($"/admin/scheduler/tally%20{token}")).StatusCode);
    }

    [Fact]
    public async Task A_service_schedules_a_run_of_another_service_once_and_can_cancel_one()
    {
        await using var node = await TestNode.StartAsync(servers, "sched-once");
        var kept = Guid.NewGuid().ToString("N");
        var cancelled = Guid.NewGuid().ToString("N");

        var grant = await node.InvokeAsync("test.grant", $$"""{"token":"{{kept}}","seconds":1.5,"cancel_it":false}""");
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        var cancel = await node.InvokeAsync("test.grant", $$"""{"token":"{{cancelled}}","seconds":1.5,"cancel_it":true}""");
        using var cancelAnswer = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync());
        Assert.True(cancelAnswer.RootElement.GetProperty("cancelled").GetBoolean());

        await Until(() => Tally.Count(kept) == 1, TimeSpan.FromSeconds(10));
        await Task.Delay(2500);
        Assert.Equal(1, Tally.Count(kept));
        Assert.Equal(0, Tally.Count(cancelled));
        // The run has a cid of its own, and its log line names the call that scheduled it.
        var run = Tally.Runs[kept].Single();
        var scheduledBy = grant.Headers.GetValues("X-Esb-Cid").Single();
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"cid={run.Cid}") && l.Contains($"scheduled by cid={scheduledBy}"));
    }

    [Fact]
    public async Task A_failing_run_is_recorded_with_its_error_and_run_now_runs_a_paused_job()
    {
        await using var node = await TestNode.StartAsync(servers, "sched-fail");
        var name = "failing " + Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/scheduler", $$"""{"name":"{{name}}","service":"test.fail","seconds":3600,"is_active":false}""");
        Assert.Equal("paused", (await RunsOf(node, name)).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await node.Admin.PostAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}/run", null)).StatusCode);
        JsonElement run = default;
        await Until(async () => (await RunsOf(node, name)).GetProperty("runs").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } r
            && r.GetProperty("outcome").GetString() != "running" && (run = r).ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(10));
        Assert.Equal("failed", run.GetProperty("outcome").GetString());
        Assert.Equal(500, run.GetProperty("status").GetInt32());
        Assert.Contains("test.fail failed", run.GetProperty("error").GetString());
        Assert.True(run.GetProperty("manual").GetBoolean());
        Assert.DoesNotContain("hunter2", run.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Changing_a_jobs_input_keeps_its_rhythm_and_the_next_runs_use_the_new_input()
    {
        await using var node = await TestNode.StartAsync(servers, "sched-edit");
        var before = Guid.NewGuid().ToString("N");
        var after = Guid.NewGuid().ToString("N");
        var name = "edited " + before[..8];
        await node.CreateAsync("/admin/scheduler", $$"""{"name":"{{name}}","service":"test.tally","seconds":1,"extra":"token={{before}}"}""");
        await Until(() => Tally.Count(before) >= 1, TimeSpan.FromSeconds(10));
        var next = (await RunsOf(node, name)).GetProperty("next_run").GetDateTimeOffset();

        var put = await node.Admin.PutAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}", AdminCalls.Json($$"""{"extra":"{\"token\":\"{{after}}\"}"}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await Until(() => Tally.Count(after) >= 2, TimeSpan.FromSeconds(10));
        // Still on the same whole-second grid: the trigger was kept, not replaced.
        var grid = (await RunsOf(node, name)).GetProperty("next_run").GetDateTimeOffset();
        Assert.Equal(0, (grid - next).TotalMilliseconds % 1000, 1);
        await node.Admin.DeleteAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}");
    }

    [Theory]
    [InlineData("""{"name":"bad cron","service":"demo.hello","job_type":"cron_style","cron":"61 0 * * *"}""", "cron", "Minute and Second values must be between 0 and 59")]
    [InlineData("""{"name":"four fields","service":"demo.hello","job_type":"cron_style","cron":"1 0 * *"}""", "cron", "write five fields")]
    [InlineData("""{"name":"never","service":"demo.hello","job_type":"cron_style","cron":"0 0 31 2 *"}""", "cron", "never fires")]
    [InlineData("""{"name":"bad zone","service":"demo.hello","job_type":"cron_style","cron":"@daily","time_zone":"Mars/Olympus"}""", "time_zone", "not a time zone")]
    [InlineData("""{"name":"no interval","service":"demo.hello","job_type":"interval_based"}""", "seconds", "at least 1 second")]
    [InlineData("""{"name":"no date","service":"demo.hello","job_type":"one_time"}""", "start_date", "is required for one_time")]
    [InlineData("""{"name":"bad date","service":"demo.hello","job_type":"one_time","start_date":"next tuesday"}""", "start_date", "expected a date and time such as 2026-12-01T08:00:00Z, got the string \"next tuesday\"")]
    [InlineData("""{"name":"bad after","service":"demo.hello","job_type":"one_time","after":"soon"}""", "after", "30s, 20m")]
    [InlineData("""{"name":"no service","service":"no.such","seconds":5}""", "service", "no service named 'no.such'")]
    [InlineData("""{"name":"kind","service":"demo.hello","job_type":"weekly","seconds":5}""", "job_type", "interval_based, cron_style, one_time")]
    [InlineData("""{"name":"misfire","service":"demo.hello","seconds":5,"misfire":"sometimes"}""", "misfire", "run_once, skip, run_all")]
    public async Task A_bad_job_is_refused_with_the_field_and_the_reason_and_nothing_is_stored(string json, string field, string reason)
    {
        await using var node = await TestNode.StartAsync(servers, "sched-bad");
        var response = await node.Admin.PostAsync("/admin/scheduler", AdminCalls.Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(body);
        var errors = error.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("field").GetString() == field && e.GetProperty("message").GetString()!.Contains(reason));
        var name = JsonDocument.Parse(json).RootElement.GetProperty("name").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await node.Admin.GetAsync($"/admin/scheduler/{Uri.EscapeDataString(name)}")).StatusCode);
    }

    internal static async Task<JsonElement> RunsOf(TestNode node, string job)
    {
        var response = await node.Admin.GetAsync($"/admin/scheduler/{Uri.EscapeDataString(job)}/runs?limit=100");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static Task Until(Func<bool> condition, TimeSpan limit) => Until(() => Task.FromResult(condition()), limit);

    internal static async Task Until(Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"not within {limit}");
            await Task.Delay(50);
        }
    }
}
