using Integrations.Bus.Node;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace Integrations.Bus.Logging;

/// <summary>
/// The node's log: console and <c>logs/server.log</c>, one line per event, <c>cid=</c> on every line that has one (or
/// one JSON object per line, the cid as <c>Cid</c>); and whatever sinks the <c>Serilog</c> section of its settings adds.
/// </summary>
public static class EsbLogging
{
    /// <summary>The console's line layout (the file's, written by <see cref="LineFormatter"/>, is the same).</summary>
    private const string ConsoleTemplate =
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} [{Source}] {CidPrefix}{Message:lj}{ExceptionLine}{NewLine}";

    /// <summary>
    /// Makes the node's logger: its own console and file, in its line format or as JSON lines, then what the
    /// <c>Serilog</c> section of its settings adds (<see cref="NodeOptions.LogSettings"/>); the node's level last.
    /// </summary>
    /// <exception cref="ArgumentException">The Serilog section is wrong: the message names the setting.</exception>
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
        var json = options.LogFormat == "json";
        var sinks = new List<ILogEventSink>();
        if (options.LogToConsole)
            sinks.Add(json
                ? new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Console(new CompactJsonFormatter()).CreateLogger()
                : new LoggerConfiguration().MinimumLevel.Verbose().Enrich.With<ConsoleEnricher>()
                    .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger());
        if (options.LogDirectory is { } directory)
            sinks.Add(new LoggerConfiguration().MinimumLevel.Verbose()
                .WriteTo.File(json ? new CompactJsonFormatter() : new LineFormatter(), Path.Combine(directory, "server.log"),
                    buffered: true, flushToDiskInterval: FlushInterval, shared: false,
                    fileSizeLimitBytes: 100L * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 10)
                .CreateLogger());
        if (options.LogSettings is { } settings) ReadSettings(config, settings);
        // The node's level wins over the section's MinimumLevel (esb serve takes that as its level when none is given).
        config.MinimumLevel.Is(options.LogLevel);
        var background = new BackgroundSink([.. sinks]);
        var logger = config.WriteTo.Sink(background).CreateLogger();
        Writers.AddOrUpdate(logger, background);
        return logger;
    }

    // The section's sinks write beside the node's own: those that send over the network (Seq, OpenTelemetry) batch in
    // the background by themselves.
    private static void ReadSettings(LoggerConfiguration config, Microsoft.Extensions.Configuration.IConfiguration settings)
    {
        if (SerilogSettings.Check(settings) is { Count: > 0 } problems)
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Problem}")));
        var named = settings.GetSection("Using").GetChildren().Select(u => u.Value).OfType<string>().Where(n => n.Length > 0)
            .Select(n => System.Reflection.Assembly.Load(new System.Reflection.AssemblyName(n)));
        var reader = new ConfigurationReaderOptions([.. SerilogSettings.Assemblies.Concat(named).Distinct()]) { SectionName = null };
        try
        {
            config.ReadFrom.Configuration(settings, reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
            var where = settings is Microsoft.Extensions.Configuration.IConfigurationSection { Path: { Length: > 0 } path } ? path : SerilogSettings.Section;
            throw new ArgumentException($"{where}: {e.Message}", e);
        }
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
