namespace Integrations.Config;

/// <summary>
/// A scheduled job: a service invoked on a schedule, through the backbone, on one node of the cluster per run.
/// Three kinds: <c>interval_based</c> (every so many weeks, days, hours, minutes and seconds), <c>cron_style</c>
/// (a five-field cron expression or <c>@hourly</c>-style shortcut, in a time zone) and <c>one_time</c> (once, at
/// <see cref="StartDate"/>).
/// </summary>
[ConfigKind("scheduler")]
public sealed record ScheduledJob : IConfigObject
{
    /// <summary>The job types.</summary>
    public const string IntervalBased = "interval_based", CronStyle = "cron_style", OneTime = "one_time";

    /// <summary>Every job type.</summary>
    public static readonly IReadOnlyList<string> Types = [IntervalBased, CronStyle, OneTime];

    /// <summary>What a job does about runs it missed (the cluster was down, the job paused): run once now, skip them, or run every one.</summary>
    public const string MisfireRunOnce = "run_once", MisfireSkip = "skip", MisfireRunAll = "run_all";

    /// <summary>Every misfire policy.</summary>
    public static readonly IReadOnlyList<string> MisfirePolicies = [MisfireRunOnce, MisfireSkip, MisfireRunAll];

    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The service each run invokes.</summary>
    public string Service { get; init; } = "";
    /// <summary><c>interval_based</c>, <c>cron_style</c> or <c>one_time</c>.</summary>
    public string JobType { get; init; } = IntervalBased;
    /// <summary>Whether the job runs; an inactive job keeps its schedule and runs again when made active.</summary>
    public bool IsActive { get; init; } = true;
    /// <summary>When the first run is due (interval_based, one_time) or from when the cron schedule counts; null means when the job is created.</summary>
    public DateTimeOffset? StartDate { get; init; }
    /// <summary>interval_based: weeks between runs (added to the other units).</summary>
    public int? Weeks { get; init; }
    /// <summary>interval_based: days between runs.</summary>
    public int? Days { get; init; }
    /// <summary>interval_based: hours between runs.</summary>
    public int? Hours { get; init; }
    /// <summary>interval_based: minutes between runs.</summary>
    public int? Minutes { get; init; }
    /// <summary>interval_based: seconds between runs.</summary>
    public int? Seconds { get; init; }
    /// <summary>interval_based: how many runs in all; null runs forever.</summary>
    public int? Repeats { get; init; }
    /// <summary>cron_style: five fields (minute hour day-of-month month day-of-week), or @yearly, @monthly, @weekly, @daily, @hourly.</summary>
    public string? Cron { get; init; }
    /// <summary>cron_style: the IANA time zone the expression is read in (e.g. <c>Europe/Warsaw</c>); null is UTC.</summary>
    public string? TimeZone { get; init; }
    /// <summary>The service's input on every run: a JSON object, or <c>key=value</c> lines.</summary>
    public string? Extra { get; init; }
    /// <summary>What to do about missed runs: <c>run_once</c> (the default), <c>skip</c> or <c>run_all</c>.</summary>
    public string Misfire { get; init; } = MisfireRunOnce;
}
