using System.Text.Json.Nodes;
using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Scheduled jobs: services run on a schedule, on one node of the cluster per run.</summary>
internal sealed class ScheduledJobKind : ConfigKind<ScheduledJob>
{
    public ScheduledJobKind() : base(60, "Scheduler", "/scheduler", "name=\"Get user details every 10 s\" service=tutorial.get-user-details seconds=10")
    {
        ListWith("service");
        DescribeAs("SCHEDULE");
        RefersToService("service", j => j.Service);
    }

    protected override string? Describe(ScheduledJob job) => JobSchedules.Describe(job);

    protected override void Check(ScheduledJob j, ConfigRules rules, List<FieldError> errors) => JobSchedules.Check(j, errors);

    // "after": 20m stands for a start date that far from now.
    public override FieldError? Prepare(JsonObject body)
    {
        if (!body.Remove("after", out var after)) return null;
        if (body.ContainsKey("start_date")) return new("after", "give either after or start_date, not both");
        if (after is not JsonValue value || !(value.TryGetValue<string>(out var text) || (value.TryGetValue<double>(out var n) && (text = n.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not null))
            || !JobSchedules.TryDelay(text, out var delay))
            return new("after", "must be a delay such as 30s, 20m, 2h, 1d or 1w");
        body["start_date"] = (DateTimeOffset.UtcNow + delay).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }
}
