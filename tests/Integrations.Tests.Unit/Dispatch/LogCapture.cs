using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Integrations.Tests.Unit.Dispatch;

/// <summary>A logger whose events the test can read.</summary>
internal sealed class LogCapture : ILogEventSink
{
    public List<LogEvent> Events { get; } = [];
    public ILogger Logger { get; }

    public LogCapture() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public void Emit(LogEvent logEvent)
    {
        lock (Events) Events.Add(logEvent);
    }
}
