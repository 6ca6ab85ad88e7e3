using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Integrations.Bus.Logging;

/// <summary>
/// Hands log events to one background writer, so a call never waits for the disk, the console or another thread's
/// write. The writer sleeps until events arrive (no spinning: a spinning writer took a tenth of a busy node's CPU),
/// writes all that wait, then rests a few milliseconds before it looks again, so a busy node wakes it a hundred times a
/// second rather than for every line. When 100,000 events wait, writers wait too: no line is dropped. What waits is
/// written when the logger is disposed, or else when the process exits (a node that refused to start is never
/// stopped, yet its last lines say why).
/// </summary>
internal sealed class BackgroundSink : ILogEventSink, IDisposable
{
    private readonly Channel<LogEvent> _events = Channel.CreateBounded<LogEvent>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ILogEventSink[] _sinks;
    private readonly Task _writer;

    public BackgroundSink(params ILogEventSink[] sinks)
    {
        _sinks = sinks;
        _writer = Task.Factory.StartNew(WriteAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    private int _disposed;

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private long _emitted, _written, _lastWrite;

    public void Emit(LogEvent logEvent)
    {
        Interlocked.Increment(ref _emitted);
        if (_events.Writer.TryWrite(logEvent)) return;
        try
        {
            _events.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // Written after the log was closed (the process is exiting): there is nowhere left to write it.
        }
    }

    /// <summary>
    /// Waits until every event emitted so far was handed to the sinks and a buffered sink has had
    /// <paramref name="flushInterval"/> to put it on disk (at most a second).
    /// </summary>
    public async Task SettleAsync(TimeSpan flushInterval, CancellationToken cancellation)
    {
        var target = Interlocked.Read(ref _emitted);
        var deadline = Environment.TickCount64 + 1000;
        while (Interlocked.Read(ref _written) < target && Environment.TickCount64 < deadline) await Task.Delay(5, cancellation).ConfigureAwait(false);
        var flushed = Interlocked.Read(ref _lastWrite) + (long)flushInterval.TotalMilliseconds + 50;
        var wait = Math.Min(flushed, deadline) - Environment.TickCount64;
        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellation).ConfigureAwait(false);
    }

    /// <summary>How long the writer rests after writing what waited.</summary>
    private static readonly TimeSpan Rest = TimeSpan.FromMilliseconds(10);

    private async Task WriteAsync()
    {
        while (await _events.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out var logEvent))
            {
                foreach (var sink in _sinks)
                {
                    try
                    {
                        sink.Emit(logEvent);
                    }
                    catch (Exception e)
                    {
                        SelfLog.WriteLine("log sink {0} failed: {1}", sink, e);
                    }
                }
                Interlocked.Exchange(ref _lastWrite, Environment.TickCount64);
                Interlocked.Increment(ref _written);
            }
            if (!_events.Reader.Completion.IsCompleted) await Task.Delay(Rest).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _events.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
        foreach (var sink in _sinks) (sink as IDisposable)?.Dispose();
    }
}
