using Microsoft.Extensions.Logging;

namespace Integrations;

/// <summary>
/// A service's log (<see cref="ServiceContext.Log"/>): every line carries the call's cid and the service's name. Write
/// with message templates — <c>ctx.Log.Information("Order {Id} for {Customer}", id, customer)</c> — or use it as any
/// <see cref="ILogger"/> (<c>ctx.Log.LogInformation(…)</c>, or hand it to a library that takes one). The node writes
/// the lines to its log; <see cref="Testing.ServiceTestHarness"/> keeps them for a test to read.
/// </summary>
public abstract class ServiceLog : ILogger
{
    /// <summary>A line at the verbose (trace) level.</summary>
    public void Verbose(string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Trace, null, messageTemplate, values);

    /// <summary>A line at the debug level.</summary>
    public void Debug(string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Debug, null, messageTemplate, values);

    /// <summary>A line at the information level.</summary>
    public void Information(string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Information, null, messageTemplate, values);

    /// <summary>A line at the warning level.</summary>
    public void Warning(string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Warning, null, messageTemplate, values);

    /// <summary>A line at the warning level, with the exception that caused it.</summary>
    public void Warning(Exception? exception, string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Warning, exception, messageTemplate, values);

    /// <summary>A line at the error level.</summary>
    public void Error(string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Error, null, messageTemplate, values);

    /// <summary>A line at the error level, with the exception that caused it.</summary>
    public void Error(Exception? exception, string messageTemplate, params object?[] values) => WriteIfEnabled(LogLevel.Error, exception, messageTemplate, values);

    /// <inheritdoc />
    public abstract bool IsEnabled(LogLevel logLevel);

    /// <summary>Writes one line: <paramref name="messageTemplate"/>'s holes filled, in order, from <paramref name="values"/>.</summary>
    protected abstract void Write(LogLevel level, Exception? exception, string messageTemplate, object?[] values);

    private void WriteIfEnabled(LogLevel level, Exception? exception, string messageTemplate, object?[] values)
    {
        if (IsEnabled(level)) Write(level, exception, messageTemplate, values);
    }

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        // LogInformation("… {Name} …", name) and [LoggerMessage] hand over the template last, under "{OriginalFormat}".
        if (state is IReadOnlyList<KeyValuePair<string, object?>> { Count: > 0 } pairs && pairs[^1] is { Key: "{OriginalFormat}", Value: string template })
        {
            var values = new object?[pairs.Count - 1];
            for (var i = 0; i < values.Length; i++) values[i] = pairs[i].Value;
            Write(logLevel, exception, template, values);
        }
        else Write(logLevel, exception, formatter(state, exception).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), []);
    }
}
