using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Integrations.Bus.Logging;

/// <summary>
/// Writes one event as one line of the node's log — <c>2026-12-01 08:00:00.123 INF [source] cid=… message | exception</c>
/// — straight from the event, without a template to interpret or properties to add: a busy node writes several lines
/// per call. The message is rendered as Serilog's <c>{Message:lj}</c> renders it (strings as they are, structured
/// values as JSON).
/// </summary>
public sealed class LineFormatter : ITextFormatter
{
    private static readonly string[] Levels = ["VRB", "DBG", "INF", "WRN", "ERR", "FTL"];
    private static readonly JsonValueFormatter Json = new("$type");
    private readonly IFormatProvider _culture = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        Span<char> buffer = stackalloc char[64];
        WriteTimestamp(logEvent.Timestamp, buffer, output);
        output.Write(' ');
        output.Write(Levels[(int)logEvent.Level]);
        output.Write(" [");
        output.Write(SourceOf(logEvent));
        output.Write("] ");
        // A line whose message names the cid itself ("REST cha → cid=…") gets no prefix.
        if (CidOf(logEvent) is { } cid && !logEvent.MessageTemplate.Text.Contains("{Cid}", StringComparison.Ordinal))
        {
            output.Write("cid=");
            output.Write(cid);
            output.Write(' ');
        }
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is TextToken text) output.Write(text.Text);
            else if (token is PropertyToken property) WriteProperty(property, logEvent.Properties, buffer, output);
        }
        if (logEvent.Exception is { } exception)
        {
            output.Write(" | ");
            output.Write(OneLine(exception));
        }
        output.WriteLine();
    }

    /// <summary>"backbone", "admin", "channel", or the service's name for a service's own lines.</summary>
    public static string SourceOf(LogEvent logEvent)
    {
        if (logEvent.Properties.TryGetValue("SourceContext", out var context) && context is ScalarValue { Value: string source })
            return source.StartsWith("Microsoft.", StringComparison.Ordinal) || source.StartsWith("MassTransit", StringComparison.Ordinal)
                ? source[(source.LastIndexOf('.') + 1)..]
                : source;
        return "esb";
    }

    /// <summary>The call's cid, when the event has one.</summary>
    public static string? CidOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("Cid", out var value) && value is ScalarValue { Value: string cid } ? cid : null;

    /// <summary>An exception on one line: its text with the line breaks shown as ⏎.</summary>
    public static string OneLine(Exception exception) =>
        exception.ToString().Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ⏎ ", StringComparison.Ordinal);

    // yyyy-MM-dd HH:mm:ss.fff, in the event's own offset.
    private static void WriteTimestamp(DateTimeOffset timestamp, Span<char> buffer, TextWriter output)
    {
        var t = timestamp.DateTime;
        Digits(buffer[..4], t.Year);
        buffer[4] = '-';
        Digits(buffer.Slice(5, 2), t.Month);
        buffer[7] = '-';
        Digits(buffer.Slice(8, 2), t.Day);
        buffer[10] = ' ';
        Digits(buffer.Slice(11, 2), t.Hour);
        buffer[13] = ':';
        Digits(buffer.Slice(14, 2), t.Minute);
        buffer[16] = ':';
        Digits(buffer.Slice(17, 2), t.Second);
        buffer[19] = '.';
        Digits(buffer.Slice(20, 3), t.Millisecond);
        output.Write(buffer[..23]);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
    }

    private void WriteProperty(PropertyToken token, IReadOnlyDictionary<string, LogEventPropertyValue> properties, Span<char> buffer, TextWriter output)
    {
        if (!properties.TryGetValue(token.PropertyName, out var value))
        {
            output.Write(token.ToString());
            return;
        }
        if (token.Alignment is not { } alignment)
        {
            WriteValue(value, token.Format, buffer, output);
            return;
        }
        using var aligned = new StringWriter(CultureInfo.InvariantCulture);
        WriteValue(value, token.Format, buffer, aligned);
        var text = aligned.ToString();
        var padding = Math.Max(0, alignment.Width - text.Length);
        if (alignment.Direction == AlignmentDirection.Right) output.Write(new string(' ', padding));
        output.Write(text);
        if (alignment.Direction == AlignmentDirection.Left) output.Write(new string(' ', padding));
    }

    // As {…:lj}: a string as it is; without a format, a value as JSON; with one, formatted by it.
    private void WriteValue(LogEventPropertyValue value, string? format, Span<char> buffer, TextWriter output)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                output.Write(text);
                return;
            // Numbers need no JSON escaping and come out the same from both: written without a string in between.
            case ScalarValue { Value: int or long or double or float or decimal } number when Formatted(number.Value!, format, buffer, out var written):
                output.Write(buffer[..written]);
                return;
            case var _ when format is null:
                Json.Format(value, output);
                return;
            default:
                value.Render(output, format, _culture);
                return;
        }
    }

    private bool Formatted(object number, string? format, Span<char> buffer, out int written)
    {
        written = 0;
        // JSON has no NaN or infinity: those it writes as strings.
        if (format is null && number is double d && !double.IsFinite(d) || number is float f1 && !float.IsFinite(f1)) return false;
        // JSON writes doubles and floats round-trippable ("R"); a format of the property's own is used as given.
        var f = format ?? (number is double or float ? "R" : null);
        return number is ISpanFormattable formattable && formattable.TryFormat(buffer, out written, f, _culture);
    }
}
