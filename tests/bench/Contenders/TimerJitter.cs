using System.Diagnostics;

namespace Integrations.Bench;

/// <summary>
/// The baseline for scheduler jitter: a .NET <see cref="PeriodicTimer"/> in one process, ticking every interval;
/// prints how late each tick came against its ideal time, as "late_ms" lines.
/// </summary>
public static class TimerJitter
{
    public static async Task<int> RunAsync(int ticks, double intervalSeconds)
    {
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        using var timer = new PeriodicTimer(interval);
        var start = Stopwatch.GetTimestamp();
        for (var i = 1; i <= ticks && await timer.WaitForNextTickAsync(); i++)
        {
            var late = Stopwatch.GetElapsedTime(start) - interval * i;
            Console.WriteLine($"late_ms {late.TotalMilliseconds:0.###}");
        }
        return 0;
    }
}
