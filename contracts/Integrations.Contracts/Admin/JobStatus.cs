namespace Integrations.Admin;

/// <summary>Where a scheduled job stands, and its last runs, as the admin API shows them.</summary>
/// <param name="Job">The job's name.</param>
/// <param name="State"><c>scheduled</c>, <c>paused</c>, <c>finished</c> (no run is due any more) or <c>unscheduled</c> (not yet applied).</param>
/// <param name="NextRun">When the next run is due, if one is.</param>
/// <param name="PreviousRun">When the last run was due, if there was one.</param>
/// <param name="Runs">The last runs, newest first.</param>
public sealed record JobStatus(string Job, string State, DateTimeOffset? NextRun, DateTimeOffset? PreviousRun, IReadOnlyList<JobRunInfo> Runs);
