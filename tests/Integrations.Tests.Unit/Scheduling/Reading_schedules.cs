using Integrations.Bus.Config;
using Integrations.Adapters.Scheduler;
using Integrations.Bus.Config.Kinds;
using Integrations.Config;
using Quartz;

namespace Integrations.Tests.Unit.Scheduling;

public sealed class Reading_schedules
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1 0 * * *", null, "2026-12-01T00:01:00Z", "2026-12-02T00:01:00Z")]
    [InlineData("@hourly", null, "2026-11-30T11:00:00Z", "2026-11-30T12:00:00Z")]
    [InlineData("@daily", null, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")]
    [InlineData("*/15 9-17 * * 1-5", null, "2026-11-30T10:45:00Z", "2026-11-30T11:00:00Z")]
    [InlineData("0 9 * * 0", null, "2026-12-06T09:00:00Z", "2026-12-13T09:00:00Z")]
    [InlineData("0 9 * * 7", null, "2026-12-06T09:00:00Z", "2026-12-13T09:00:00Z")]
    [InlineData("30 1 1 * *", null, "2026-12-01T01:30:00Z", "2027-01-01T01:30:00Z")]
    [InlineData("1 0 * * *", "Europe/Warsaw", "2026-11-30T23:01:00Z", "2026-12-01T23:01:00Z")]
    [InlineData("0 12 * * *", "America/New_York", "2026-11-30T17:00:00Z", "2026-12-01T17:00:00Z")]
    public void A_cron_expression_fires_when_crontab_would(string cron, string? zone, string first, string second)
    {
        var runs = JobSchedules.NextRuns(cron, zone, Monday, 2);
        Assert.Equal([DateTimeOffset.Parse(first), DateTimeOffset.Parse(second)], runs.Select(r => r.ToUniversalTime()));
    }

    [Fact]
    public void Cron_follows_daylight_saving_time_in_its_zone()
    {
        // Warsaw moves from UTC+1 to UTC+2 on 2027-03-28: 09:00 local is 08:00 UTC before and 07:00 UTC after.
        var runs = JobSchedules.NextRuns("0 9 * * *", "Europe/Warsaw", new DateTimeOffset(2027, 3, 27, 0, 0, 0, TimeSpan.Zero), 2);
        Assert.Equal([new DateTimeOffset(2027, 3, 27, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 28, 7, 0, 0, TimeSpan.Zero)],
            runs.Select(r => r.ToUniversalTime()));
    }

    [Theory]
    [InlineData("61 0 * * *", "Minute and Second values must be between 0 and 59")]
    [InlineData("1 0 * *", "write five fields")]
    [InlineData("0 0 1 * * *", "write five fields")]
    [InlineData("a b c d e", "is not a valid cron expression")]
    [InlineData("@sometimes", "is not a valid cron expression")]
    public void A_bad_cron_expression_is_refused_with_the_reason(string cron, string reason)
    {
        Assert.False(JobSchedules.TryCron(cron, null, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Contains(cron, error);
    }

    [Theory]
    [InlineData("""{"job_type":"cron_style","cron":"0 0 31 2 *"}""", "cron", "never fires")]
    [InlineData("""{"job_type":"cron_style","cron":"@daily","seconds":5}""", "seconds", "for interval_based jobs")]
    [InlineData("""{"job_type":"interval_based"}""", "seconds", "at least 1 second")]
    [InlineData("""{"job_type":"interval_based","seconds":-5}""", "seconds", "must not be negative")]
    [InlineData("""{"job_type":"interval_based","seconds":5,"repeats":0}""", "repeats", "at least 1")]
    [InlineData("""{"job_type":"interval_based","weeks":20000}""", "seconds", "too long")]
    [InlineData("""{"job_type":"interval_based","seconds":5,"extra":"{\"a\":"}""", "extra", "parameters")]
    [InlineData("""{"job_type":"one_time"}""", "start_date", "is required")]
    [InlineData("""{"job_type":"one_time","start_date":"2027-01-01T00:00:00Z","minutes":5}""", "job_type", "runs once")]
    [InlineData("""{"job_type":"cron_style","cron":"@daily","time_zone":"Nowhere/Special"}""", "time_zone", "not a time zone")]
    public void A_job_that_cannot_run_as_written_names_the_field(string json, string field, string reason)
    {
        var job = System.Text.Json.JsonSerializer.Deserialize<ScheduledJob>(json,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })! with { Name = "j", Service = "s" };
        var errors = new List<FieldError>();
        JobSchedules.Check(job, errors);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(reason));
    }

    [Fact]
    public void An_interval_job_with_repeats_runs_that_many_times_one_interval_apart()
    {
        var job = new ScheduledJob { Name = "j", Service = "s", Minutes = 1, Seconds = 30, Repeats = 3 };
        var errors = new List<FieldError>();
        JobSchedules.Check(job, errors);
        Assert.Empty(errors);
        var trigger = JobSchedules.Trigger(job, new JobKey("j", "g"), Monday);
        Assert.Equal(Monday.AddSeconds(90), trigger.StartTimeUtc);
        Assert.Equal(Monday.AddSeconds(90 * 3), trigger.FinalFireTimeUtc);
    }

    [Fact]
    public void A_one_time_job_runs_once_at_its_start_date()
    {
        var at = Monday.AddHours(5);
        var trigger = JobSchedules.Trigger(new ScheduledJob { Name = "j", Service = "s", JobType = ScheduledJob.OneTime, StartDate = at }, new JobKey("j", "g"), Monday);
        Assert.Equal(at, trigger.StartTimeUtc);
        Assert.Equal(at, trigger.FinalFireTimeUtc);
    }

    [Fact]
    public void The_fingerprint_changes_with_the_schedule_and_not_with_the_input_or_the_active_flag()
    {
        var job = new ScheduledJob { Name = "j", Service = "s", Seconds = 10, Extra = "a=1" };
        Assert.Equal(JobSchedules.Fingerprint(job), JobSchedules.Fingerprint(job with { Extra = "a=2", IsActive = false, Service = "t" }));
        Assert.NotEqual(JobSchedules.Fingerprint(job), JobSchedules.Fingerprint(job with { Seconds = 11 }));
        Assert.NotEqual(JobSchedules.Fingerprint(job), JobSchedules.Fingerprint(job with { Misfire = ScheduledJob.MisfireSkip }));
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("20m", 1200)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("45", 45)]
    [InlineData("1.5m", 90)]
    public void A_delay_is_read_as_operators_write_it(string text, double seconds)
    {
        Assert.True(JobSchedules.TryDelay(text, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(seconds), delay);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    public void A_delay_that_is_not_one_is_refused(string text) => Assert.False(JobSchedules.TryDelay(text, out _));

    [Theory]
    [InlineData("queue:orders", "orders")]
    [InlineData("queue:orders?durable=false", "orders")]
    [InlineData("exchange:orders", "orders")]
    [InlineData("rabbitmq://127.0.0.1/vhost/orders", "orders")]
    [InlineData("rabbitmq://127.0.0.1/orders?bind=true", "orders")]
    [InlineData("rabbitmq://127.0.0.1/vhost/Shop.Contracts:OrderPlaced", "Shop.Contracts:OrderPlaced")]
    public void A_masstransit_address_names_its_endpoint(string address, string endpoint) =>
        Assert.Equal(endpoint, ScheduledMessages.EndpointName(address));
}
