using Integrations.Admin;
using Integrations.Bus.Telemetry;

namespace Integrations.Tests.Unit.Backbone;

public sealed class Keeping_recent_hops_and_rates
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static void Keep(Trail trail, string cid, string name, int second) =>
        trail.Keep(cid, "run", "service", name, null, null, DateTimeOffset.UnixEpoch.AddSeconds(second), 1, 200, null);

    [Fact]
    public void The_trail_finds_a_cids_hops_earliest_first_and_forgets_the_oldest_once_full()
    {
        var trail = new Trail("n", capacity: 3);
        Keep(trail, "b", "second", 2);
        Keep(trail, "a", "first", 1);
        Keep(trail, "b", "first", 1);
        Assert.Equal(["first", "second"], trail.Of("b").Select(h => h.Name));
        Assert.All(trail.Of("b"), h => Assert.Equal("n", h.Node));
        trail.Keep("c", "channel", "rest", "orders", "GET", "/orders/5", DateTimeOffset.UnixEpoch, 1.23456, 200, null);
        Assert.Equal("GET /orders/5", Assert.Single(trail.Of("c")).Detail);
        Assert.Equal(1.235, trail.Of("c")[0].Milliseconds);
        // The ring came round: b's first-kept hop made room.
        Assert.Equal(["first"], trail.Of("b").Select(h => h.Name));
        Assert.Single(trail.Of("a"));
    }

    [Fact]
    public void Percentiles_come_out_within_ten_percent_and_two_nodes_add_up()
    {
        var clock = new Clock { Now = DateTimeOffset.UnixEpoch.AddSeconds(1_000_000) };
        var one = new Rates(clock);
        var two = new Rates(clock);
        // 1 to 100 ms, once each, half on each node; one of them failed.
        for (var ms = 1; ms <= 100; ms++) (ms % 2 == 0 ? one : two).Record("service", null, "orders.ship", ms, ms == 100 ? 500 : 200);
        two.Record("channel", "rest", "orders", 5, 200);
        var step = Rates.StepOf(clock.GetUtcNow());
        var sum = Rates.Sum(one.Between(step - 5, step, 6).Concat(two.Between(step - 5, step, 6)), step - 5, step, 6);

        Assert.Equal(["service orders.ship", "channel orders"], sum.Select(s => $"{s.Kind} {s.Name}"));
        var service = sum[0];
        Assert.Equal((100L, 1L), (service.Calls, service.Errors));
        Assert.Equal(100 / 60.0, service.CallsPerSecond, 2);
        Assert.InRange(service.P50Ms!.Value, 45, 55);
        Assert.InRange(service.P95Ms!.Value, 86, 105);
        Assert.InRange(service.P99Ms!.Value, 89, 109);
        var point = Assert.Single(service.Points);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((step - 5) * Rates.StepSeconds), point.At);
        Assert.InRange(sum[1].P50Ms!.Value, 4.5, 5.5);
    }

    [Fact]
    public void A_step_without_calls_has_zeros_and_no_durations_and_an_old_step_is_not_counted_again()
    {
        var clock = new Clock { Now = DateTimeOffset.UnixEpoch.AddSeconds(2_000_000) };
        var rates = new Rates(clock);
        rates.Record("service", null, "s", 2, 200);
        // An hour later the ring is at the same slot: the old step's count is gone, not added.
        clock.Now += TimeSpan.FromSeconds(Rates.StepSeconds * Rates.Steps);
        rates.Record("service", null, "s", 2, 200);
        var step = Rates.StepOf(clock.GetUtcNow());
        var sum = Rates.Sum(rates.Between(step - 2, step, 1), step - 2, step, 1);
        var series = Assert.Single(sum);
        Assert.Equal([0, 0, 0.1], series.Points.Select(p => p.CallsPerSecond));
        Assert.Null(series.Points[0].P50Ms);
        Assert.Equal(1, series.Calls);
    }
}
