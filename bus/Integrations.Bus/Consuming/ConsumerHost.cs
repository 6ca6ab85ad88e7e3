using Integrations.Bus.Services;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Consuming;

/// <summary>
/// The one lifecycle of every consuming endpoint — AMQP and MQ channels, subscriptions, service queues: it keeps the
/// endpoints that should run (<see cref="Wanted"/>) listening, starts, stops and restarts them as what decides them
/// changes, listens again with exponential back-off and jitter when a transport cannot connect or its broker closes
/// a listener, and on stop takes no new message and lets those it holds finish. Subclasses name the endpoints, open
/// a transport's listener (connect, receive, settle) and handle a message.
/// </summary>
/// <typeparam name="TEndpoint">What decides an endpoint: compared by <see cref="Fingerprint"/> to know when it changed.</typeparam>
public abstract class ConsumerHost<TEndpoint> : BackgroundService where TEndpoint : class
{
    private readonly Channel<string?> _pending = Channel.CreateUnbounded<string?>();
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private int _inFlight;
    private volatile bool _draining;

    /// <param name="log">The log, with this kind of endpoint's source.</param>
    protected ConsumerHost(ILogger log)
    {
        Log = log;
    }

    /// <summary>The wait before the next try after <paramref name="attempt"/> failed ones: doubling from <see cref="RetryDelay"/> up to <see cref="MaxRetryDelay"/>, ±25 %.</summary>
    private static TimeSpan Backoff(int attempt) => Node.Backoff.Delay(attempt, RetryDelay, MaxRetryDelay);

    /// <summary>How long one attempt to listen may take before it is given up and made again.</summary>
    public static TimeSpan ListenTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between two tries: short enough that an endpoint consumes again within seconds of its broker's return.</summary>
    public static TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an endpoint whose connection is being made again (see <see cref="ReconnectingException"/>) looks whether it is back.</summary>
    public static TimeSpan ReconnectingWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The first wait before listening again; each next one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public static TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every listener is looked at: one that stopped without its transport saying so (a channel the client
    /// reopened without its consumer) is listened to again, so no endpoint stays silent longer than this.
    /// </summary>
    public static TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The log.</summary>
    protected ILogger Log { get; }

    /// <summary>Signalled when the node stops.</summary>
    protected CancellationToken Stopping { get; private set; }

    /// <summary>The endpoints that should be listening now, by name.</summary>
    protected abstract IReadOnlyDictionary<string, TEndpoint> Wanted();

    /// <summary>What decides <paramref name="endpoint"/>: when it changes, the endpoint is restarted.</summary>
    protected abstract string Fingerprint(TEndpoint endpoint);

    /// <summary>Opens the transport's listener for <paramref name="endpoint"/>, delivering to <paramref name="handler"/>.</summary>
    protected abstract Task<IListener> ListenAsync(string name, TEndpoint endpoint, InboundHandler handler, CancellationToken cancellation);

    /// <summary>Handles one message of <paramref name="endpoint"/>, settling it.</summary>
    protected abstract Task HandleAsync(string name, TEndpoint endpoint, IInbound message);

    /// <summary>Says an endpoint is listening (once, each time it starts).</summary>
    protected abstract void Started(string name, TEndpoint endpoint);

    /// <summary>Says an endpoint stopped.</summary>
    protected virtual void Stopped(string name, TEndpoint endpoint) { }

    /// <summary>Says why an endpoint cannot listen, before the next try.</summary>
    protected abstract void Failed(string name, TEndpoint endpoint, Exception error, TimeSpan retryIn);

    /// <summary>How long to wait before listening again after the broker stopped delivering (a deleted queue may mean the endpoint is going).</summary>
    protected virtual TimeSpan LostGrace => TimeSpan.Zero;

    /// <summary>Whether the node's start waits until every endpoint wanted then has listened (or failed to, once).</summary>
    protected virtual bool WaitAtStart => false;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!WaitAtStart) return;
        var first = await _firstRound.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(first.Select(r => r.FirstAttempt.Task)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private readonly TaskCompletionSource<IReadOnlyList<Running>> _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Looks again at the endpoint <paramref name="name"/>: starts, stops or restarts it as <see cref="Wanted"/> says.</summary>
    protected void Reconcile(string name) => _pending.Writer.TryWrite(name);

    /// <summary>Looks again at every endpoint.</summary>
    protected void ReconcileAll() => _pending.Writer.TryWrite(null);

    /// <summary>How many messages this host's endpoints hold now.</summary>
    protected int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Whether the endpoint is listening now.</summary>
    public bool IsListening(string name) => _running.TryGetValue(name, out var running) && running.Listener?.IsListening == true;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Stopping = stoppingToken;
        _ = WatchAsync(stoppingToken);
        try
        {
            var initially = Wanted();
            foreach (var (name, endpoint) in initially) await ReconcileOneAsync(name, endpoint).ConfigureAwait(false);
            _firstRound.TrySetResult([.. _running.Values]);
            await foreach (var name in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var wanted = Wanted();
                foreach (var one in name is null ? wanted.Keys.Union(_running.Keys).ToList() : [name])
                    await ReconcileOneAsync(one, wanted.TryGetValue(one, out var endpoint) ? endpoint : default).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
        finally
        {
            _firstRound.TrySetResult([]);
        }
    }

    private ServiceCatalog? _catalog;
    private readonly ConcurrentDictionary<string, bool> _waitingForService = new(StringComparer.Ordinal);

    /// <summary>The service an endpoint hands its messages to, if it runs one on this node (see <see cref="ConsumeOnlyWhereTheServiceRuns"/>).</summary>
    protected virtual string? ServiceOf(TEndpoint endpoint) => null;

    /// <summary>
    /// Makes an endpoint consume only while its service runs on this node: on a node still applying a deployment (or
    /// that lost the service), its messages wait in the queue for it or go to the nodes that have it, instead of
    /// being refused as for a service that does not exist.
    /// </summary>
    protected void ConsumeOnlyWhereTheServiceRuns(ServiceCatalog catalog)
    {
        _catalog = catalog;
        catalog.Added += _ => ReconcileAll();
        catalog.Removed += _ => ReconcileAll();
    }

    private async Task ReconcileOneAsync(string name, TEndpoint? wanted)
    {
        if (wanted is not null && _catalog is not null && ServiceOf(wanted) is { } service && !_catalog.TryGet(service, out _))
        {
            if (_waitingForService.TryAdd(name, true))
                Log.Information("{Endpoint}: waits until {Service} runs on this node before it consumes", name, service);
            wanted = null;
        }
        else _waitingForService.TryRemove(name, out _);
        var fingerprint = wanted is null ? null : Fingerprint(wanted);
        if (_running.TryGetValue(name, out var running))
        {
            if (fingerprint is not null && running.Fingerprint == fingerprint && !running.Lost) return;
            await StopAsync(name, running).ConfigureAwait(false);
        }
        if (wanted is null) return;
        var starting = new Running(fingerprint!, wanted, CancellationTokenSource.CreateLinkedTokenSource(Stopping)) { LostAt = running?.LostAt };
        _running[name] = starting;
        _ = Task.Run(() => StartAsync(name, starting), CancellationToken.None);
    }

    // Listens, trying again with back-off until it can or the endpoint is no longer wanted as it was.
    private async Task StartAsync(string name, Running running)
    {
        try
        {
            var failures = 0;
            IListener listener;
            while (true)
            {
                try
                {
                    // Bounded: an attempt stuck on a connection that is still recovering is given up and made again.
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(running.Cancellation.Token);
                    attempt.CancelAfter(ListenTimeout);
                    var listening = ListenAsync(name, running.Endpoint, message => DispatchAsync(name, running.Endpoint, message), attempt.Token);
                    try
                    {
                        listener = await listening.WaitAsync(ListenTimeout, running.Cancellation.Token).ConfigureAwait(false);
                    }
                    catch (Exception) when (!listening.IsCompleted)
                    {
                        // Given up on: should it still succeed, its listener is closed, not left consuming for nobody.
                        _ = listening.ContinueWith(t => t.Result.DisposeAsync().AsTask(), CancellationToken.None,
                            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                        throw;
                    }
                    break;
                }
                catch (Exception e) when (!running.Cancellation.IsCancellationRequested)
                {
                    if (e is OperationCanceledException or TimeoutException)
                        e = new TimeoutException($"the broker did not let it listen within {ListenTimeout.TotalSeconds:0} s");
                    // Waiting for a connection being made again is local: look again soon, without growing the wait.
                    var wait = e is ReconnectingException ? ReconnectingWait : Backoff(failures++);
                    if (e is ReconnectingException) Log.Debug("{Endpoint}: waits for its connection ({Reason}); trying again in {Seconds:0.#} s", name, e.Message, wait.TotalSeconds);
                    else Failed(name, running.Endpoint, e, wait);
                    running.FirstAttempt.TrySetResult();
                    await Task.Delay(wait, running.Cancellation.Token).ConfigureAwait(false);
                }
            }
            if (running.Cancellation.IsCancellationRequested)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
                return;
            }
            running.Listener = listener;
            listener.Lost += reason => ListenAgain(name, running, $"the broker stopped delivering ({reason})");
            if (running.LostAt is { } lostAt)
                Log.Information("{Endpoint}: listening again, {Seconds:0.#} s after it stopped", name, System.Diagnostics.Stopwatch.GetElapsedTime(lostAt).TotalSeconds);
            Started(name, running.Endpoint);
        }
        catch (OperationCanceledException)
        {
            // No longer wanted, or the node is stopping.
        }
        finally
        {
            running.FirstAttempt.TrySetResult();
        }
    }

    // Once per lost listener: the log says why, and the endpoint is listened to again (after the grace, if any).
    private void ListenAgain(string name, Running running, string why)
    {
        if (_draining || running.Cancellation.IsCancellationRequested || running.Lost) return;
        running.LostAt = System.Diagnostics.Stopwatch.GetTimestamp();
        running.Lost = true;
        Log.Warning("{Endpoint}: {Why}; listening again", name, why);
        if (LostGrace <= TimeSpan.Zero) Reconcile(name);
        else _ = Task.Delay(LostGrace, Stopping).ContinueWith(_ => Reconcile(name), TaskScheduler.Default);
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
                foreach (var (name, running) in _running)
                {
                    bool listening;
                    try
                    {
                        listening = running.Listener?.IsListening != false;
                    }
                    catch (Exception e)
                    {
                        Log.Debug(e, "{Endpoint}: could not tell whether it listens", name);
                        listening = false;
                    }
                    if (!listening) ListenAgain(name, running, "stopped receiving without the broker saying so");
                    else if (DepthKind is { } kind && Telemetry.EsbTelemetry.QueueDepth.Enabled) await MeasureDepthAsync(kind, name, running, stopping).ConfigureAwait(false);
                }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    /// <summary>What the endpoints are, in the metric of queue depths (<c>service</c>, <c>channel</c>…); null: not measured.</summary>
    protected virtual string? DepthKind => null;

    private async Task MeasureDepthAsync(string kind, string name, Running running, CancellationToken stopping)
    {
        try
        {
            if (running.Listener is { } listener && await listener.DepthAsync(stopping).ConfigureAwait(false) is { } depth)
                Telemetry.EsbTelemetry.Depths[(kind, name)] = depth;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Debug(e, "{Endpoint}: the broker did not say how many messages wait", name);
        }
    }

    private async Task DispatchAsync(string name, TEndpoint endpoint, IInbound message)
    {
        if (_draining)
        {
            await message.DeferAsync().ConfigureAwait(false);
            return;
        }
        // Taken before its channel closed, handed over after: it is the broker's to give again, not ours to run.
        if (!message.CanSettle) return;
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandleAsync(name, endpoint, message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Not settled: the broker gives it again.
            Log.Error(e, "{Endpoint}: a message could not be handled; it goes back to the broker", name);
            try
            {
                await message.DeferAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The listener is gone: the broker gives it again anyway.
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task StopAsync(string name, Running running)
    {
        _running.TryRemove(new KeyValuePair<string, Running>(name, running));
        if (DepthKind is { } kind) Telemetry.EsbTelemetry.Depths.TryRemove((kind, name), out _);
        await running.Cancellation.CancelAsync().ConfigureAwait(false);
        if (running.Listener is { } listener)
        {
            try
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.Debug(e, "{Endpoint}: closing its listener failed", name);
            }
            if (!running.Lost) Stopped(name, running.Endpoint);
        }
    }

    /// <summary>Drains: no new message is taken, those held finish (for up to 10 s), then every listener closes.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        foreach (var running in _running.Values)
            if (running.Listener is { } listener)
                try
                {
                    await listener.StopReceivingAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    Log.Debug(e, "Stopping a listener failed");
                }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (InFlight > 0 && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, running) in _running.ToList()) await StopAsync(name, running).ConfigureAwait(false);
    }

    private sealed class Running(string fingerprint, TEndpoint endpoint, CancellationTokenSource cancellation)
    {
        public string Fingerprint { get; } = fingerprint;
        public TEndpoint Endpoint { get; } = endpoint;
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public IListener? Listener { get; set; }
        public volatile bool Lost;
        // When the listener before this one was lost (a timestamp), to say how long the endpoint was silent.
        public long? LostAt { get; set; }
        public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
