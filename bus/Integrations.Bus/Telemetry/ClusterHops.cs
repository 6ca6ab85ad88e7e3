using Integrations.Admin;
using Integrations.Bus.Backbone;
using Microsoft.Extensions.Hosting;

namespace Integrations.Bus.Telemetry;

/// <summary>
/// What every node's <see cref="Hops"/> hold, put together: the trace of one cid (<c>esb trace</c>, the Trace screen)
/// and the rates of each service and channel (<c>esb stats</c>, the charts), asked of the cluster's nodes over the bus.
/// </summary>
public sealed class ClusterHops(ClusterQuestions questions, Hops hops) : IHostedService
{
    /// <summary>The windows rates are given over, with the width of their points in steps.</summary>
    public static readonly IReadOnlyDictionary<string, (TimeSpan Length, int Width)> Windows = new Dictionary<string, (TimeSpan, int)>(StringComparer.Ordinal)
    {
        ["5m"] = (TimeSpan.FromMinutes(5), 1),
        ["1h"] = (TimeSpan.FromHours(1), 6),
    };

    /// <summary>Every hop of <paramref name="cid"/> the nodes still keep, the earliest first.</summary>
    public async Task<TraceInfo> TraceAsync(string cid, CancellationToken cancellation)
    {
        var answers = await questions.AskAsync<TraceQuestion, List<TraceHop>>("trace", new TraceQuestion(cid), cancellation).ConfigureAwait(false);
        var all = answers.Answers.SelectMany(a => a.Answer).OrderBy(h => h.Started).ThenBy(h => h.Node, StringComparer.Ordinal).ToList();
        return new TraceInfo(cid, all, [.. answers.Answers.Select(a => a.Node)], answers.Missing);
    }

    /// <summary>The cluster's rates over <paramref name="window"/> (a key of <see cref="Windows"/>), up to the step that is under way.</summary>
    public async Task<StatsInfo> StatsAsync(string window, CancellationToken cancellation)
    {
        var (length, width) = Windows[window];
        var to = Rates.StepOf(DateTimeOffset.UtcNow);
        var from = to - (long)(length.TotalSeconds / Rates.StepSeconds) + 1;
        // Points start on a multiple of their width, so two asks a step apart draw the same points.
        from -= from % width;
        var answers = await questions.AskAsync<StatsQuestion, List<RatesSeries>>("stats", new StatsQuestion(from, to, width), cancellation).ConfigureAwait(false);
        var series = Rates.Sum(answers.Answers.SelectMany(a => a.Answer), from, to, width);
        return new StatsInfo(window, width * Rates.StepSeconds, DateTimeOffset.FromUnixTimeSeconds(from * Rates.StepSeconds),
            DateTimeOffset.FromUnixTimeSeconds((to + 1) * Rates.StepSeconds), [.. answers.Answers.Select(a => a.Node)], answers.Missing, series);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        questions.Answer<TraceQuestion, List<TraceHop>>("trace", q => hops.Trail.Of(q.Cid));
        questions.Answer<StatsQuestion, List<RatesSeries>>("stats", q =>
            q.Width is >= 1 and <= Rates.Steps && q.To - q.From is >= 0 and < Rates.Steps + Rates.Steps ? hops.Rates.Between(q.From, q.To, q.Width) : []);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed record TraceQuestion(string Cid);

    private sealed record StatsQuestion(long From, long To, int Width);
}
