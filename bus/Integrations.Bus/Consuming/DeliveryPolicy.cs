namespace Integrations.Bus.Consuming;

/// <summary>
/// What every consuming endpoint does about a message that fails: try again (a failure the receiver may get over —
/// a 5xx, or any failed delivery elsewhere) after a back-off that doubles, with jitter; give up at once on a refusal
/// (4xx); after the last try, dead-letter it with the reason. One policy, so channels and subscriptions agree.
/// </summary>
public static class DeliveryPolicy
{
    /// <summary>The first wait before a try again; each next one doubles (with ±25 % jitter), up to <see cref="LongestWait"/>.</summary>
    public static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a message is tried again, as its 503s' <c>Retry-After</c> say (the message bus away), before it goes
    /// back to its broker to come again later; such tries are not counted as failures, and never dead-letter it.
    /// </summary>
    public static readonly TimeSpan LongestUnavailable = TimeSpan.FromSeconds(60);

    /// <summary>The wait before try number <paramref name="retry"/> (1 for the first try again).</summary>
    public static TimeSpan Wait(int retry)
    {
        var doubled = FirstWait.TotalMilliseconds * Math.Pow(2, Math.Max(0, retry - 1));
        var jitter = 0.75 + Random.Shared.NextDouble() * 0.5;
        return TimeSpan.FromMilliseconds(Math.Min(LongestWait.TotalMilliseconds, doubled) * jitter);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, refuses, or has been tried <paramref name="retries"/> times more;
    /// the last result and how many tries it took. Stops trying when <paramref name="stopping"/> is signalled.
    /// </summary>
    public static async Task<(ServiceResult Result, int Attempts)> RunAsync(Func<Task<ServiceResult>> attempt, int retries, Action<ServiceResult, int>? retrying,
        CancellationToken stopping)
    {
        var tries = 0;
        var unavailable = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await attempt().ConfigureAwait(false);
            var later = result.RetryAfter;
            if (later is null) tries++;
            else if (unavailable.Elapsed >= LongestUnavailable) return (result, tries);
            if (result.Status < 500 || tries > retries || stopping.IsCancellationRequested) return (result, tries);
            if (later is null) retrying?.Invoke(result, tries);
            try
            {
                await Task.Delay(later ?? Wait(tries), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (result, tries);
            }
        }
    }

    /// <summary>
    /// Hands <paramref name="message"/> over to the backbone (<paramref name="hold"/>: published there, persistent, and
    /// confirmed), then completes it at its source; one the backbone did not take is given back to its source after a
    /// short wait (<paramref name="refused"/> says why), to come again. Never completed before the backbone holds it.
    /// </summary>
    public static async Task HandOverAsync(IInbound message, Func<Task> hold, Action<Exception> refused, CancellationToken stopping)
    {
        try
        {
            await hold().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            refused(e);
            try
            {
                await Task.Delay(FirstWait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The node is stopping: give it back now.
            }
            await message.DeferAsync().ConfigureAwait(false);
            return;
        }
        await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> for <paramref name="message"/> under the policy, then settles the message: a
    /// success is answered (to its reply-to, if it has one) and completed; a failure while the node stops is given back
    /// for another consumer; any other failure is dead-lettered with the reason, under <paramref name="endpoint"/>'s name,
    /// as given up by <paramref name="node"/>.
    /// </summary>
    public static async Task<(ServiceResult Result, Settlement Settled)> DeliverAsync(IInbound message, string cid, string endpoint, int retries,
        Func<Task<ServiceResult>> attempt, Action<ServiceResult, int>? retrying, CancellationToken stopping, string? node = null)
    {
        var (result, attempts) = await RunAsync(attempt, retries, retrying, stopping).ConfigureAwait(false);
        // The node stopping, or the message bus still away: back to the broker, to come again.
        if (result.Status >= 500 && (stopping.IsCancellationRequested || result.RetryAfter is not null))
        {
            await message.DeferAsync().ConfigureAwait(false);
            return (result, Settlement.Deferred);
        }
        if (result.Status < 400)
        {
            try
            {
                await message.ReplyAsync(result, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (message.CanSettle && e is not OperationCanceledException)
            {
                // The broker is there but refuses the answer (no such reply address): running the message again would
                // not change that, and it would run for ever. It is kept, with why, for an operator.
                var refused = ServiceResult.Failed(cid, 502, $"the service answered, but its answer could not be sent to {message.ReplyTo}: {e.Message}");
                await message.DeadLetterAsync(DeadLetter.Of(cid, refused, endpoint, attempts, node), CancellationToken.None).ConfigureAwait(false);
                return (refused, Settlement.DeadLettered);
            }
            await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            return (result, Settlement.Completed);
        }
        await message.DeadLetterAsync(DeadLetter.Of(cid, result, endpoint, attempts, node), CancellationToken.None).ConfigureAwait(false);
        return (result, Settlement.DeadLettered);
    }
}
