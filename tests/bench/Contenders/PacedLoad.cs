using System.Diagnostics;

namespace Integrations.Bench;

/// <summary>
/// Latency at a light, steady load: requests start on a fixed schedule whatever the answers' speed (open loop, so a
/// slow answer cannot hide behind a pause), and every answer's time is kept. Prints "p50 p90 p99 errors" in ms.
/// </summary>
public static class PacedLoad
{
    public static async Task<int> RunAsync(string url, int rate, int seconds, string[] headers)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':');
            http.DefaultRequestHeaders.TryAddWithoutValidation(header[..colon], header[(colon + 1)..]);
        }
        var total = rate * seconds;
        var latencies = new double[total];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(url);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(tasks);
        Array.Sort(latencies);
        double At(double q) => latencies[Math.Min(total - 1, (int)Math.Ceiling(q * total) - 1)];
        Console.WriteLine(FormattableString.Invariant($"{At(0.50):0.00} {At(0.90):0.00} {At(0.99):0.00} {errors}"));
        return 0;
    }
}
