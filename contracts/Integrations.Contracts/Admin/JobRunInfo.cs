namespace Integrations.Admin;

/// <summary>One run of a scheduled job.</summary>
/// <param name="Cid">The run's correlation id: every log line of the run carries it.</param>
/// <param name="Job">The job.</param>
/// <param name="Service">The service it invoked.</param>
/// <param name="Node">The node that fired it.</param>
/// <param name="Due">When the run was due.</param>
/// <param name="Fired">When it was sent to the service's queue.</param>
/// <param name="Started">When a worker started the service, once one did.</param>
/// <param name="DurationMs">How long the service ran, once it finished.</param>
/// <param name="Outcome"><c>running</c> (sent, not finished yet), <c>ok</c> or <c>failed</c>.</param>
/// <param name="Status">The service's status (200, 500…), once it finished.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Manual">Whether an operator ran it ("run now") rather than the schedule.</param>
public sealed record JobRunInfo(string Cid, string Job, string Service, string Node, DateTimeOffset Due, DateTimeOffset Fired,
    DateTimeOffset? Started, double? DurationMs, string Outcome, int? Status, string? Error, bool Manual);
