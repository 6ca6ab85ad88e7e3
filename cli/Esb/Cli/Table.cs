using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Esb.Cli;

/// <summary>One column of a table: its header and how one JSON object of an answer gives its cell.</summary>
internal sealed record Column(string Header, Func<JsonNode, string> Cell, bool AlignRight = false)
{
    /// <summary>A field as it is; an array as a comma-separated list; <paramref name="missing"/> when the field is absent or empty.</summary>
    public static Column Field(string field, string? header = null, string missing = "", bool alignRight = false) =>
        new(header ?? field.ToUpperInvariant(), row => Text(row[field]) is { Length: > 0 } text ? text : missing, alignRight);

    /// <summary>The fields among <paramref name="fields"/> that an object has, as key=value, the way they are given to create and update.</summary>
    public static Column Pairs(string header, params string[] fields) =>
        new(header, row => string.Join(' ', fields.Where(f => Text(row[f]).Length > 0).Select(f => $"{f}={Text(row[f])}")));

    /// <summary>JSON shown to a person: strings without quotes, booleans as yes and no, arrays as lists.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonArray array => string.Join(", ", array.Select(Text)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "yes" : "no",
        _ => value.ToJsonString(),
    };

    /// <summary>An ISO date of an answer in this machine's time zone.</summary>
    public static string Local(JsonNode? date, string format = "yyyy-MM-dd HH:mm:ss") =>
        date is null ? "" : DateTimeOffset.Parse(date.GetValue<string>(), CultureInfo.InvariantCulture).ToLocalTime().ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// The one way the CLI prints a list for a person: a header of column names, one line per object, columns aligned
/// with two spaces between them. Scripts read the same answer with <c>--json</c>.
/// </summary>
internal static class Table
{
    public static void Print(IReadOnlyList<Column> columns, IEnumerable<JsonNode> rows, TextWriter? output = null)
    {
        output ??= Console.Out;
        var cells = rows.Select(row => columns.Select(c => OneLine(c.Cell(row))).ToArray()).ToList();
        var widths = columns.Select((c, i) => cells.Aggregate(c.Header.Length, (width, row) => Math.Max(width, row[i].Length))).ToArray();
        Write(columns.Select(c => c.Header).ToArray());
        foreach (var row in cells) Write(row);

        void Write(string[] row)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) line.Append("  ");
                line.Append(columns[i].AlignRight ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>
    /// GETs a list from the admin API and prints it as a table, or as the answer's JSON with <paramref name="json"/>;
    /// an empty list as <paramref name="empty"/>, a sentence rather than a header with nothing under it.
    /// </summary>
    /// <param name="orderBy">A field to sort the rows by; without it they keep the answer's order.</param>
    public static async Task<int> ListAsync(AdminSession admin, string path, string command, bool json, IReadOnlyList<Column> columns, string empty,
        CancellationToken cancellation, string? orderBy = null)
    {
        var (list, code) = await admin.ReadAsync(path, command, json, cancellation);
        if (list is null) return code;
        var rows = list.AsArray().Select(row => row!).ToList();
        if (orderBy is not null) rows = [.. rows.OrderBy(row => Column.Text(row[orderBy]), StringComparer.Ordinal)];
        if (rows.Count == 0) Console.WriteLine(empty);
        else Print(columns, rows);
        return 0;
    }

    // A cell is one line: a multi-line error or a tab would break the columns of every line after it.
    private static string OneLine(string text) =>
        text.AsSpan().IndexOfAny("\r\n\t") < 0 ? text : string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
