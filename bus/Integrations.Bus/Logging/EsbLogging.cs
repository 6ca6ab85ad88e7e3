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
    /// <summary>The line layout: time, level, source, cid, message; an exception stays on the same line.</summary>
    public const string Template =
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
            .Enrich.WithProperty("Node", options.NodeName)
            .Enrich.With<LineEnricher>();
        var sinks = new List<ILogEventSink>();
        if (options.LogToConsole)
            sinks.Add(new LoggerConfiguration().MinimumLevel.Verbose()
                .WriteTo.Console(outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger());
        if (options.LogDirectory is { } directory)
            sinks.Add(new LoggerConfiguration().MinimumLevel.Verbose()
                .WriteTo.File(Path.Combine(directory, "server.log"), outputTemplate: Template,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture,
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

    /// <summary>Fills the template's derived properties: the source, the cid prefix and the one-line exception.</summary>
    private sealed class LineEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent e, ILogEventPropertyFactory factory)
        {
            e.AddPropertyIfAbsent(factory.CreateProperty("Source", SourceOf(e)));

            // A line whose message names the cid itself ("REST cha → cid=…") gets no prefix.
            var cid = e.Properties.TryGetValue("Cid", out var value) && value is ScalarValue { Value: string s } ? s : null;
            var prefix = cid is null || e.MessageTemplate.Text.Contains("{Cid}", StringComparison.Ordinal) ? "" : $"cid={cid} ";
            e.AddPropertyIfAbsent(new LogEventProperty("CidPrefix", new ScalarValue(prefix)));

            if (e.Exception is { } exception)
                e.AddOrUpdateProperty(new LogEventProperty("ExceptionLine", new ScalarValue(" | " + OneLine(exception))));
        }

        // "backbone", "admin", "channel", or the service's name for a service's own lines.
        private static string SourceOf(LogEvent e)
        {
            if (e.Properties.TryGetValue("SourceContext", out var context) && context is ScalarValue { Value: string source })
                return source.StartsWith("Microsoft.", StringComparison.Ordinal) || source.StartsWith("MassTransit", StringComparison.Ordinal)
                    ? source[(source.LastIndexOf('.') + 1)..]
                    : source;
            return "esb";
        }

        private static string OneLine(Exception exception) =>
            exception.ToString().Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ⏎ ", StringComparison.Ordinal);
    }
}
