using Integrations.Admin;

namespace Integrations.Adapters.Scheduler;

/// <summary>One run of a scheduled job, as kept in the config store's database.</summary>
public sealed class JobRun
{
    /// <summary>The run's correlation id, its identity.</summary>
    public string Cid { get; set; } = "";
    /// <summary>The job (a configured job's name, or a one-time run's id).</summary>
    public string Job { get; set; } = "";
    /// <summary>The service invoked.</summary>
    public string Service { get; set; } = "";
    /// <summary>The node that fired it.</summary>
    public string Node { get; set; } = "";
    /// <summary>When it was due.</summary>
    public DateTimeOffset Due { get; set; }
    /// <summary>When it was sent.</summary>
    public DateTimeOffset Fired { get; set; }
    /// <summary>When the service started.</summary>
    public DateTimeOffset? Started { get; set; }
    /// <summary>How long the service ran.</summary>
    public double? DurationMs { get; set; }
    /// <summary><c>running</c>, <c>ok</c> or <c>failed</c>.</summary>
    public string Outcome { get; set; } = "running";
    /// <summary>The service's status.</summary>
    public int? Status { get; set; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; set; }
    /// <summary>Whether an operator ran it.</summary>
    public bool Manual { get; set; }
    /// <summary>The cid of the call that scheduled a one-time run.</summary>
    public string? ScheduledBy { get; set; }

    /// <summary>As the admin API shows it.</summary>
    public JobRunInfo ToInfo() => new(Cid, Job, Service, Node, Due, Fired, Started, DurationMs, Outcome, Status, Error, Manual);
}
