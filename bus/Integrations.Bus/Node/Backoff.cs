namespace Integrations.Bus.Node;

/// <summary>
/// The waits between tries of anything that reconnects (a node waiting for its servers, the backbone, every consumer):
/// doubling from a first wait up to a longest one, each ±25 % so that nodes and endpoints do not all try in step.
/// </summary>
public static class Backoff
{
    /// <summary>The wait after <paramref name="failures"/> failed tries (0 for the first).</summary>
    public static TimeSpan Delay(int failures, TimeSpan first, TimeSpan longest) =>
        TimeSpan.FromMilliseconds(Math.Min(first.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures, 0, 16)), longest.TotalMilliseconds)
            * (0.75 + Random.Shared.NextDouble() / 2));
}
