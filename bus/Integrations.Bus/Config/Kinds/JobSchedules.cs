using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integrations.Bus.Edge;
using Integrations.Config;
using Quartz;

namespace Integrations.Bus.Config.Kinds;

/// <summary>
/// How a <see cref="ScheduledJob"/> becomes a Quartz trigger, and what makes one acceptable. One place, so the
/// rules the admin API checks are the ones the scheduler applies.
/// </summary>
public static partial class JobSchedules
{
    /// <summary>The shortest interval a job may have.</summary>
    public static readonly TimeSpan ShortestInterval = TimeSpan.FromSeconds(1);

    /// <summary>Adds the problems of <paramref name="job"/>'s schedule and input to <paramref name="errors"/>.</summary>
    public static void Check(ScheduledJob job, List<FieldError> errors)
    {
        if (!ScheduledJob.Types.Contains(job.JobType))
        {
            errors.Add(new("job_type", $"'{job.JobType}' is not a job type; use one of {string.Join(", ", ScheduledJob.Types)}"));
            return;
        }
        if (!ScheduledJob.MisfirePolicies.Contains(job.Misfire))
            errors.Add(new("misfire", $"'{job.Misfire}' is not a misfire policy; use one of {string.Join(", ", ScheduledJob.MisfirePolicies)}"));
        if (!InvokeParameters.TryParse(job.Extra, out _, out var inputError))
            errors.Add(new("extra", inputError!));

        foreach (var (field, value) in Units(job))
            if (value is < 0) errors.Add(new(field, "must not be negative"));
        var hasUnits = Units(job).Any(u => u.Value is > 0);

        switch (job.JobType)
        {
            case ScheduledJob.IntervalBased:
                if (!TryInterval(job, out var interval))
                    errors.Add(new("seconds", "the interval is too long; weeks, days, hours, minutes and seconds together must stay under 10,000 weeks"));
                else if (interval < ShortestInterval)
                    errors.Add(new("seconds", "an interval_based job needs an interval of at least 1 second: give weeks, days, hours, minutes or seconds"));
                if (job.Repeats is < 1) errors.Add(new("repeats", "must be at least 1 (how many runs in all), or left out to run forever"));
                if (job.Cron is not null) errors.Add(new("cron", "is for cron_style jobs; an interval_based job runs every weeks/days/hours/minutes/seconds"));
                break;
            case ScheduledJob.CronStyle:
                if (string.IsNullOrWhiteSpace(job.Cron)) errors.Add(new("cron", "is required for cron_style, e.g. \"1 0 * * *\" (00:01 every day) or @hourly"));
                else if (TryCron(job.Cron, job.TimeZone, out var cron, out var cronError) is false) errors.Add(new("cron", cronError!));
                else if (cron!.GetNextValidTimeAfter(job.StartDate ?? DateTimeOffset.UtcNow) is null)
                    errors.Add(new("cron", $"'{job.Cron}' never fires (no such date from the start date on)"));
                if (hasUnits || job.Repeats is not null) errors.Add(new("seconds", "weeks, days, hours, minutes, seconds and repeats are for interval_based jobs; a cron_style job follows its cron expression"));
                break;
            case ScheduledJob.OneTime:
                if (job.StartDate is null) errors.Add(new("start_date", "is required for one_time: when the job runs (e.g. 2026-12-01T08:00:00Z), or give \"after\" (e.g. 20m) when creating it"));
                if (hasUnits || job.Repeats is not null || job.Cron is not null) errors.Add(new("job_type", "a one_time job runs once, at start_date; it takes no interval, repeats or cron"));
                break;
        }
        if (job.TimeZone is not null && !TryTimeZone(job.TimeZone, out _))
            errors.Add(new("time_zone", $"'{job.TimeZone}' is not a time zone; use an IANA name such as Europe/Warsaw or America/New_York, or UTC"));
    }

    /// <summary>The trigger that fires <paramref name="job"/>, for the Quartz job <paramref name="key"/>; <paramref name="now"/> anchors a job with no start date.</summary>
    public static ITrigger Trigger(ScheduledJob job, JobKey key, DateTimeOffset now)
    {
        var builder = TriggerBuilder.Create().WithIdentity(key.Name, key.Group).ForJob(key);
        switch (job.JobType)
        {
            case ScheduledJob.IntervalBased:
                TryInterval(job, out var interval);
                builder.StartAt(job.StartDate ?? now + interval).WithSimpleSchedule(s =>
                {
                    s.WithInterval(interval);
                    if (job.Repeats is { } runs) s.WithRepeatCount(runs - 1); else s.RepeatForever();
                    s.WithMisfireInstruction(job.Misfire switch
                    {
                        ScheduledJob.MisfireSkip => SimpleTriggerMisfireInstruction.NextWithRemainingCount,
                        ScheduledJob.MisfireRunAll => SimpleTriggerMisfireInstruction.IgnoreMisfires,
                        _ => SimpleTriggerMisfireInstruction.NowWithExistingCount,
                    });
                });
                break;
            case ScheduledJob.CronStyle:
                TryCron(job.Cron!, job.TimeZone, out var cron, out _);
                builder.StartAt(job.StartDate ?? now).WithSchedule(CronScheduleBuilder.Create(cron!)
                    .WithMisfireInstruction(job.Misfire switch
                    {
                        ScheduledJob.MisfireSkip => CronTriggerMisfireInstruction.DoNothing,
                        ScheduledJob.MisfireRunAll => CronTriggerMisfireInstruction.IgnoreMisfires,
                        _ => CronTriggerMisfireInstruction.FireAndProceed,
                    }));
                break;
            default:
                builder.StartAt(job.StartDate ?? now).WithSimpleSchedule(s => s.WithRepeatCount(0).WithMisfireInstruction(
                    job.Misfire == ScheduledJob.MisfireSkip ? SimpleTriggerMisfireInstruction.NextWithRemainingCount : SimpleTriggerMisfireInstruction.FireNow));
                break;
        }
        return builder.Build();
    }

    /// <summary>A job's schedule in a few words: <c>every 1h 30m</c>, <c>cron 1 0 * * * (Europe/Warsaw)</c>, <c>once at 2026-12-01 08:00 UTC</c>.</summary>
    public static string Describe(ScheduledJob job)
    {
        if (job.JobType == ScheduledJob.CronStyle) return $"cron {job.Cron}" + (job.TimeZone is { } zone ? $" ({zone})" : "");
        if (job.JobType == ScheduledJob.OneTime)
            return job.StartDate is { } at ? $"once at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : "once";
        var every = string.Join(' ', Units(job).Where(u => u.Value is > 0).Select(u => $"{u.Value}{u.Field[0]}"));
        return $"every {every}" + (job.Repeats is { } repeats ? $", {repeats} runs in all" : "");
    }

    /// <summary>A digest of everything that decides when <paramref name="job"/> runs: when it changes, the trigger is replaced.</summary>
    public static string Fingerprint(ScheduledJob job)
    {
        var schedule = new object?[] { job.JobType, job.StartDate?.UtcTicks, job.Weeks, job.Days, job.Hours, job.Minutes, job.Seconds, job.Repeats, job.Cron, job.TimeZone, job.Misfire };
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(schedule))))[..16];
    }

    /// <summary>The next run times of a cron expression, as a job would have them: for previews and checks.</summary>
    public static IReadOnlyList<DateTimeOffset> NextRuns(string cron, string? timeZone, DateTimeOffset after, int count)
    {
        if (!TryCron(cron, timeZone, out var expression, out var error)) throw new FormatException(error);
        var runs = new List<DateTimeOffset>(count);
        for (var at = expression!.GetNextValidTimeAfter(after); at is { } next && runs.Count < count; at = expression.GetNextValidTimeAfter(next))
            runs.Add(next);
        return runs;
    }

    /// <summary>
    /// Reads a cron expression as crontab has it: five fields (minute, hour, day of month, month, day of week, with
    /// 0 or 7 for Sunday) or a shortcut (@yearly, @monthly, @weekly, @daily, @hourly), in <paramref name="timeZone"/> (UTC when null).
    /// </summary>
    public static bool TryCron(string text, string? timeZone, out CronExpression? expression, out string? error)
    {
        expression = null;
        error = null;
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('@') && trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
        {
            error = $"'{text}' is not a cron expression: write five fields, minute hour day-of-month month day-of-week (e.g. \"1 0 * * *\" for 00:01 every day), or @yearly, @monthly, @weekly, @daily, @hourly";
            return false;
        }
        try
        {
            expression = CronExpression.Parse(trimmed, CronFormat.Unix);
        }
        catch (FormatException e)
        {
            error = $"'{text}' is not a valid cron expression: {e.Message.Split(" (http")[0]}";
            return false;
        }
        if (!TryTimeZone(timeZone ?? "UTC", out var zone))
        {
            error = $"'{timeZone}' is not a time zone";
            return false;
        }
        expression = expression.WithTimeZone(zone);
        return true;
    }

    /// <summary>Reads a delay as operators write it: <c>30s</c>, <c>20m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>, or a number of seconds.</summary>
    public static bool TryDelay(string text, out TimeSpan delay)
    {
        delay = default;
        var match = Delay().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
        delay = match.Groups[2].Value switch
        {
            "w" => TimeSpan.FromDays(7 * n),
            "d" => TimeSpan.FromDays(n),
            "h" => TimeSpan.FromHours(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromSeconds(n),
        };
        return delay >= TimeSpan.Zero && delay < TimeSpan.FromDays(3650);
    }

    private static IEnumerable<(string Field, int? Value)> Units(ScheduledJob job) =>
        [("weeks", job.Weeks), ("days", job.Days), ("hours", job.Hours), ("minutes", job.Minutes), ("seconds", job.Seconds)];

    private static bool TryInterval(ScheduledJob job, out TimeSpan interval)
    {
        var seconds = (((job.Weeks ?? 0) * 7L + (job.Days ?? 0)) * 24L + (job.Hours ?? 0)) * 3600L + (job.Minutes ?? 0) * 60L + (job.Seconds ?? 0);
        interval = TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 10_000L * 7 * 86_400));
        return seconds < 10_000L * 7 * 86_400;
    }

    private static bool TryTimeZone(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (id is "UTC" or "Etc/UTC") return true;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(w|d|h|m|s)?$")]
    private static partial Regex Delay();
}
