using System.Globalization;
using System.Text.RegularExpressions;

namespace Integrations.ApiTest;

/// <summary>
/// Lengths of time as steps write them: <c>2</c> or <c>1.5</c> (seconds), <c>500 ms</c>, <c>90 seconds</c>,
/// <c>1 hour 30 minutes</c>, <c>2 days</c>, <c>1h30m</c>.
/// </summary>
public static partial class Interval
{
    [GeneratedRegex(@"^\s*(?:(?<n>\d+(?:\.\d+)?)\s*(?<unit>[a-z]+)?[\s,]*(?:and\s+)?)+$", RegexOptions.IgnoreCase)]
    private static partial Regex Parts();

    /// <summary>The length of time <paramref name="text"/> says.</summary>
    /// <exception cref="FormatException">It says none; the message shows how to write one.</exception>
    public static TimeSpan Parse(string text)
    {
        var match = Parts().Match(text);
        if (!match.Success) throw Wrong(text);
        var total = TimeSpan.Zero;
        var numbers = match.Groups["n"].Captures;
        var units = match.Groups["unit"].Captures;
        // A unit belongs to the number just before it; only a lone number may go without one.
        if (units.Count != numbers.Count && !(numbers.Count == 1 && units.Count == 0)) throw Wrong(text);
        for (var i = 0; i < numbers.Count; i++)
        {
            var n = double.Parse(numbers[i].Value, CultureInfo.InvariantCulture);
            var unit = units.Count == 0 ? "s" : units[i].Value.ToLowerInvariant();
            total += unit switch
            {
                "ms" or "millisecond" or "milliseconds" => TimeSpan.FromMilliseconds(n),
                "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(n),
                "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
                "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(n),
                "d" or "day" or "days" => TimeSpan.FromDays(n),
                "w" or "week" or "weeks" => TimeSpan.FromDays(7 * n),
                _ => throw Wrong(text),
            };
        }
        return total;
    }

    private static FormatException Wrong(string text) =>
        new($"\"{text}\" is not a length of time: write seconds (\"2\", \"1.5\") or a number and a unit (\"500 ms\", \"90 seconds\", \"1 hour 30 minutes\", \"2 days\")");
}
