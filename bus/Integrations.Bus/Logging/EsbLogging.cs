using Integrations.Bus.Node;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Integrations.Bus.Logging;

/// <summary>
/// The node's log: console and <c>logs/server.log</c>, one line per event, <c>cid=</c> on every line that has one.
/// </summary>
public static class EsbLogging
{
    /// <summary>The console's line layout (the file's, written by <see cref="LineFormatter"/>, is the same).</summary>
    private const string ConsoleTemplate =
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} [{Source}] {CidPrefix}{Message:lj}{ExceptionLine}{NewLine}";

    /// <summary>Makes the node's logger.</summary>
    public static Logger Create(NodeOptions options)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .MinimumLevel.Override("Npgsql", LogEventLevel.Warning)
            // Quartz says a dozen things at every start; the scheduler's own lines say what matters.
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Node", options.NodeName);
        var sinks = new List<ILogEventSink>();
        if (options.LogToConsole)
            sinks.Add(new LoggerConfiguration().MinimumLevel.Verbose().Enrich.With<ConsoleEnricher>()
                .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger());
        if (options.LogDirectory is { } directory)
            sinks.Add(new LoggerConfiguration().MinimumLevel.Verbose()
                .WriteTo.File(new LineFormatter(), Path.Combine(directory, "server.log"),
                    buffered: true, flushToDiskInterval: FlushInterval, shared: false,
                    fileSizeLimitBytes: 100L * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 10)
                .CreateLogger());
        var background = new BackgroundSink([.. sinks]);
        var logger = config.WriteTo.Sink(background).CreateLogger();
        Writers.AddOrUpdate(logger, background);
        return logger;
    }

    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ILogger, BackgroundSink> Writers = new();

    /// <summary>
    /// Waits until what <paramref name="log"/> was given so far is in the log file, so a reader of the file (the
    /// admin API's logs) sees the lines of a call that has just answered.
    /// </summary>
    public static Task WrittenAsync(ILogger log, CancellationToken cancellation) =>
        Writers.TryGetValue(log, out var background) ? background.SettleAsync(FlushInterval, cancellation) : Task.CompletedTask;

    /// <summary>Fills the console template's derived properties: the source, the cid prefix and the one-line exception.</summary>
    private sealed class ConsoleEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent e, ILogEventPropertyFactory factory)
        {
            e.AddPropertyIfAbsent(new LogEventProperty("Source", new ScalarValue(LineFormatter.SourceOf(e))));
            var cid = LineFormatter.CidOf(e);
            var prefix = cid is null || e.MessageTemplate.Text.Contains("{Cid}", StringComparison.Ordinal) ? "" : $"cid={cid} ";
            e.AddPropertyIfAbsent(new LogEventProperty("CidPrefix", new ScalarValue(prefix)));
            if (e.Exception is { } exception)
                e.AddOrUpdateProperty(new LogEventProperty("ExceptionLine", new ScalarValue(" | " + LineFormatter.OneLine(exception))));
        }
    }
}
