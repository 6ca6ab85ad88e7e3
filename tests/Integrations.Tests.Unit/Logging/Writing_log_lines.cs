using System.Globalization;
using Integrations.Bus.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Integrations.Tests.Unit.Logging;

public sealed class Writing_log_lines
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, 89, TimeSpan.FromHours(1));

    // Every kind of value a log line of the node carries, rendered by Serilog's own {Message:lj}.
    public static TheoryData<string, object?[]> Messages => new()
    {
        { "REST out ← cid={Cid}; {Status} time={Elapsed:0.###}ms; len={Length}", ["abc", 200, 1.23456, 43L] },
        { "plain text, no properties", [] },
        { "a double {D}, a float {F}, a decimal {M}, a bool {B}, null {N}", [0.1 + 0.2, 1.5f, 2.50m, true, null] },
        { "not a number {D} and {E}", [double.NaN, double.PositiveInfinity] },
        { "a date {When} and {When2:yyyy-MM-dd}, a span {Took}, a guid {Id}", [At, At, TimeSpan.FromMilliseconds(1500), Guid.Empty] },
        { "a list {Items}, an object {@Thing}, a map {Map}", [new[] { 1, 2 }, new { Name = "x", N = 1 }, new Dictionary<string, int> { ["a"] = 1 }] },
        { "a string with \"quotes\" {Text} and a number formatted {N:000}", ["say \"hi\"\n", 7] },
        { "aligned |{Left,-6}|{Right,6}|", ["ab", 12] },
        { "missing {Nothing} here", [] },
        { "{Count:N0} items of {Total} in {Seconds:0.#} s", [12345, 100000L, 2.25] },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_line_reads_as_serilog_renders_the_template(string template, object?[] values)
    {
        var e = Event(template, values, "rest-out");
        var serilog = new MessageTemplateTextFormatter("{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} [{SourceContext:l}] {Message:lj}{NewLine}",
            CultureInfo.InvariantCulture);
        Assert.Equal(Render(serilog.Format, e), Render(new LineFormatter().Format, e));
    }

    [Fact]
    public void A_line_names_its_cid_once_its_source_shortly_and_an_exception_on_the_same_line()
    {
        var formatter = new LineFormatter();
        var withCid = Event("Returning user details for {Name}", ["partner"], "tutorial.get-user-details", cid: "c1d");
        Assert.Equal("2026-03-04 05:06:07.089 INF [tutorial.get-user-details] cid=c1d Returning user details for partner" + Environment.NewLine,
            Render(formatter.Format, withCid));
        var namingIt = Event("REST cha → cid={Cid}; GET", ["c1d"], "rest-channel", cid: "c1d");
        Assert.Equal("2026-03-04 05:06:07.089 INF [rest-channel] REST cha → cid=c1d; GET" + Environment.NewLine, Render(formatter.Format, namingIt));
        var aspnet = Event("Now listening", [], "Microsoft.Hosting.Lifetime", level: LogEventLevel.Warning);
        Assert.Contains(" WRN [Lifetime] Now listening", Render(formatter.Format, aspnet));
        var none = Event("no source", [], null, level: LogEventLevel.Error);
        Assert.Contains(" ERR [esb] no source", Render(formatter.Format, none));

        Exception thrown;
        try { throw new InvalidOperationException("broken\nin two"); }
        catch (InvalidOperationException e) { thrown = e; }
        var failed = Event("it failed", [], "backbone", thrown);
        var line = Render(formatter.Format, failed);
        Assert.StartsWith("2026-03-04 05:06:07.089 INF [backbone] it failed | System.InvalidOperationException: broken ⏎ in two ⏎    at ", line);
        Assert.Single(line.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Render(Action<LogEvent, TextWriter> format, LogEvent e)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        format(e, output);
        return output.ToString();
    }

    // The event as the node's logger makes it: properties bound from the template, then the logger's context.
    private static LogEvent Event(string template, object?[] values, string? source, Exception? exception = null, string? cid = null,
        LogEventLevel level = LogEventLevel.Information)
    {
        LogEvent? made = null;
        using var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new Keep(e => made = e)).CreateLogger();
        ILogger log = logger;
        if (source is not null) log = log.ForContext(Constants.SourceContextPropertyName, source);
        if (cid is not null) log = log.ForContext("Cid", cid);
        log.Write(level, exception, template, values);
        return new LogEvent(At, made!.Level, made.Exception, made.MessageTemplate, made.Properties.Select(p => new LogEventProperty(p.Key, p.Value)));
    }

    private sealed class Keep(Action<LogEvent> keep) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => keep(logEvent);
    }
}
