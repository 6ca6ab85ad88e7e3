using System.Collections.Concurrent;

namespace Integrations.Tests.Integration.Scheduler;

/// <summary>Counts its runs by token, with the cid and channel of each, so a test sees every run exactly.</summary>
[Service("test.tally")]
public sealed class Tally : Service<Tally.Input, string>
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<(string Cid, string Channel, string? Caller, DateTimeOffset At)>> Runs = new();
    public sealed record Input(string Token);

    protected override Task<string> Handle(Input input, ServiceContext ctx)
    {
        Runs.GetOrAdd(input.Token, _ => new()).Enqueue((ctx.Cid, ctx.Channel, ctx.Caller, DateTimeOffset.UtcNow));
        ctx.Log.Information("tally {Token}", input.Token);
        return Task.FromResult("counted");
    }

    public static int Count(string token) => Runs.TryGetValue(token, out var runs) ? runs.Count : 0;
}

/// <summary>Grants access and schedules its own revocation: "revoke this access in N seconds", and can cancel it.</summary>
[Service("test.grant")]
public sealed class Grant : Service<Grant.Input, Grant.Output>
{
    public sealed record Input(string Token, double Seconds, bool CancelIt);
    public sealed record Output(string Id, bool Cancelled);

    protected override async Task<Output> Handle(Input input, ServiceContext ctx)
    {
        var id = await ctx.Scheduler.RunOnceAsync("test.tally", new { token = input.Token }, TimeSpan.FromSeconds(input.Seconds));
        var cancelled = input.CancelIt && await ctx.Scheduler.CancelAsync(id);
        return new(id, cancelled);
    }
}
