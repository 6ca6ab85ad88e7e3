using System.Diagnostics;
using System.Globalization;

namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>One fault: what breaks, what repairs it, and from when the flow's recovery is timed.</summary>
/// <param name="FromBreak">Time the recovery from the break (a killed node: its restart is part of it), else from the repair (a broker back).</param>
/// <param name="Crash">The broker itself crashes: acknowledgements it had not yet written to disk are lost with it, so
/// messages already processed come back — duplicates not bounded by what the nodes held.</param>
public sealed record Fault(string Name, Func<Task> Break, Func<Task> Repair, bool FromBreak = false, bool Crash = false);

/// <summary>
/// Drives one scenario of the fault suite: sends its messages in batches, one fault while each batch is being
/// processed, times how long until the flow moves again after each, waits until everything settled, and reports
/// sent, processed, duplicated, dead-lettered, still queued and lost. Short in <c>./test.sh</c>;
/// <c>tests/faults/run.sh</c> sets <c>ESB_FAULTS_MESSAGES</c> (10,000) and <c>ESB_FAULTS_REPORT</c> (the table's rows).
/// </summary>
public sealed class FaultRun(string name)
{
    private readonly string _scenario = name;
    private readonly List<(string Fault, double Seconds)> _recoveries = [];
    private readonly List<Fault> _faults = [];

    /// <summary>How many messages each scenario sends: 200 unless <c>ESB_FAULTS_MESSAGES</c> says otherwise.</summary>
    public static int Messages { get; } = int.TryParse(Environment.GetEnvironmentVariable("ESB_FAULTS_MESSAGES"), out var n) && n > 0 ? n : 200;

    /// <summary>How long a scenario waits for the last messages once nothing moves any more.</summary>
    public static TimeSpan Quiet { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The message ids of a scenario: <c>m-1</c> … <c>m-N</c>.</summary>
    public static IReadOnlyList<string> Ids(int count) => [.. Enumerable.Range(1, count).Select(i => "m-" + i.ToString(CultureInfo.InvariantCulture))];

    public IReadOnlyList<(string Fault, double Seconds)> Recoveries => _recoveries;

    // The duplicates counted before each fault: the difference to the next is what that fault (mostly) caused.
    private readonly List<int> _duplicatesBefore = [];
    private Func<int>? _duplicated;

    /// <summary>Counts duplicates as the run goes, to say which fault made how many.</summary>
    public FaultRun Counting(Func<int> duplicated)
    {
        _duplicated = duplicated;
        return this;
    }

    /// <summary>
    /// Sends <paramref name="ids"/> in one batch more than there are faults; while each of the first batches is half
    /// processed, breaks and repairs one fault, then sends the next batch and times until one of its messages <paramref name="ran"/>.
    /// </summary>
    public async Task DriveAsync(IReadOnlyList<string> ids, Func<IReadOnlyList<string>, Task> sendAsync, Func<int> processed, Func<string, bool> ran, params Fault[] faults)
    {
        var batches = ids.Chunk((ids.Count + faults.Length) / (faults.Length + 1)).ToList();
        Assert.Equal(faults.Length + 1, batches.Count);
        await sendAsync(batches[0]);
        var sent = batches[0].Length;
        for (var i = 0; i < faults.Length; i++)
        {
            // Mid-flow: half of this batch done, the rest held by the consumer or waiting in the queue.
            var halfway = sent - batches[i].Length / 2;
            var clock = Stopwatch.StartNew();
            while (processed() < halfway && clock.Elapsed < TimeSpan.FromSeconds(90)) await Task.Delay(10);
            Assert.True(processed() >= halfway, $"{_scenario}: only {processed()} of {sent} processed within 90 s, before {faults[i].Name}");

            var fault = faults[i];
            if (_duplicated is not null) _duplicatesBefore.Add(_duplicated());
            _faults.Add(fault);
            await fault.Break();
            var broken = Stopwatch.StartNew();
            await fault.Repair();
            var repaired = Stopwatch.StartNew();
            await sendAsync(batches[i + 1]);
            sent += batches[i + 1].Length;
            var recovery = fault.FromBreak ? broken : repaired;
            while (!batches[i + 1].Any(ran))
            {
                Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(120), $"{_scenario}: the flow did not move within 120 s after {fault.Name}");
                await Task.Delay(10);
            }
            _recoveries.Add((fault.Name, recovery.Elapsed.TotalSeconds));
        }
    }

    /// <summary>Waits until <paramref name="processed"/> reaches <paramref name="expected"/>, or nothing moved for <see cref="Quiet"/>.</summary>
    public static async Task SettleAsync(Func<int> processed, int expected)
    {
        var last = -1;
        var still = Stopwatch.StartNew();
        while (processed() < expected && still.Elapsed < Quiet)
        {
            var now = processed();
            if (now != last) (last, still) = (now, Stopwatch.StartNew());
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Counts the run: lost is what was sent and neither processed, dead-lettered nor still queued (and, where the
    /// scenario has answers, what was processed but never answered). Writes the row for the table; asserts nothing was
    /// lost, and that a fault other than a broker's crash made no more duplicates than twice what a node holds at once
    /// (<paramref name="inFlight"/>): the messages being processed when the broker or node went, run again when they
    /// come back, and a channel's calls to its service that waited in the backbone's queue for a killed node.
    /// </summary>
    public void Report(int sent, int processed, int duplicated, int deadLettered, int queued, int inFlight, int? answered = null, string? part = null)
    {
        var scenario = part is null ? _scenario : $"{_scenario}, {part}";
        var lost = Math.Max(0, sent - processed - deadLettered - queued) + (answered is { } a ? Math.Max(0, processed - a) : 0);
        // After each fault: how long until the flow moved, and (when counted) the duplicates from it to the next fault.
        var after = _duplicatesBefore.Skip(1).Append(duplicated).ToList();
        var recoveries = string.Join("; ", _recoveries.Select((r, i) => $"{r.Fault} {r.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
            (i < _duplicatesBefore.Count ? $" ({after[i] - _duplicatesBefore[i]} dup.)" : "")));
        var row = string.Join('\t', scenario, sent, processed, duplicated, deadLettered, queued, answered?.ToString(CultureInfo.InvariantCulture) ?? "-", lost, recoveries);
        if (Environment.GetEnvironmentVariable("ESB_FAULTS_REPORT") is { Length: > 0 } report) File.AppendAllText(report, row + "\n");
        for (var i = 0; i < _duplicatesBefore.Count; i++)
            Assert.True(_faults[i].Crash || after[i] - _duplicatesBefore[i] <= 2 * inFlight,
                $"{scenario}: {after[i] - _duplicatesBefore[i]} duplicates after {_faults[i].Name}, more than twice the {inFlight} a node holds at once");
        Assert.True(lost == 0, $"{scenario}: {lost} lost — sent {sent}, processed {processed}, dead-lettered {deadLettered}, queued {queued}, answered {answered?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
    }

    /// <summary>
    /// A row for a scenario that counts otherwise (calls answered, a job's runs): how many were made, how many were
    /// done, how many twice, and how it recovered; lost is what was not done.
    /// </summary>
    public static void Row(string scenario, int calls, int answered, string recovery, int duplicated = 0)
    {
        var row = string.Join('\t', scenario, calls, answered, duplicated, 0, 0, "-", calls - answered, recovery);
        if (Environment.GetEnvironmentVariable("ESB_FAULTS_REPORT") is { Length: > 0 } report) File.AppendAllText(report, row + "\n");
    }
}
