using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Integrations.Bus.Logging;

/// <summary>A service's <see cref="ServiceLog"/> on a node: its lines go to the node's log, under the call's cid.</summary>
internal sealed class SerilogServiceLog(Serilog.ILogger log) : ServiceLog
{
    /// <inheritdoc />
    public override bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && log.IsEnabled(Level(logLevel));

    /// <inheritdoc />
    protected override void Write(LogLevel level, Exception? exception, string messageTemplate, object?[] values) =>
        log.Write(Level(level), exception, messageTemplate, values);

    private static LogEventLevel Level(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
