using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Integrations.ApiTest;

/// <summary>
/// Dates as steps write them. A format is either a name a <c>date format "NAME" "FORMAT"</c> step gave (or
/// <c>default</c>, <c>YYYY-MM-DDTHH:mm:ss</c>), whose text uses Zato's tokens (YYYY, MM, DD, HH, mm, ss, SSS, ZZ…),
/// or, written in place, a .NET date format (<c>yyyy-MM-dd</c>).
/// </summary>
public static partial class Dates
{
    /// <summary>The format named <c>default</c>, as Zato has it.</summary>
    public const string DefaultFormat = "YYYY-MM-DDTHH:mm:ss";

    // How far "a random date" and "a random date after/before" reach: a hundred years.
    private const int RandomDays = 36_500;

    /// <summary>
    /// <paramref name="at"/> written in <paramref name="format"/>: a name from <paramref name="named"/> or
    /// <c>default</c> (Zato's tokens), otherwise a .NET date format.
    /// </summary>
    /// <exception cref="FormatException">The format cannot be used; the message says why.</exception>
    public static string Format(DateTimeOffset at, string format, IReadOnlyDictionary<string, string> named)
    {
        if (named.TryGetValue(format, out var zato)) return FormatZato(at, zato);
        if (format == "default") return FormatZato(at, DefaultFormat);
        if (format.Length == 0) throw new FormatException("the date format is empty: give a name from date format \"NAME\" \"FORMAT\", \"default\", or a format such as yyyy-MM-dd");
        try
        {
            return at.ToString(format, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new FormatException($"\"{format}\" is neither a date format named by date format \"NAME\" \"FORMAT\" nor a date format such as yyyy-MM-dd HH:mm:ss");
        }
    }

    [GeneratedRegex(@"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DDDD|DDD|DD|D|dddd|ddd|d|HH|H|hh|h|mm|m|ss|s|S{1,6}|X|ZZ|Z|A|a")]
    private static partial Regex ZatoToken();

    /// <summary><paramref name="at"/> in a format of Zato's tokens; <c>[text]</c> is written as it is.</summary>
    public static string FormatZato(DateTimeOffset at, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var result = new StringBuilder();
        var last = 0;
        foreach (Match token in ZatoToken().Matches(format))
        {
            result.Append(format, last, token.Index - last);
            last = token.Index + token.Length;
            var t = token.Value;
            result.Append(t switch
            {
                ['[', .., ']'] => t[1..^1],
                "YYYY" => at.Year.ToString("0000", c),
                "YY" => (at.Year % 100).ToString("00", c),
                "MMMM" => at.ToString("MMMM", c),
                "MMM" => at.ToString("MMM", c),
                "MM" => at.Month.ToString("00", c),
                "M" => at.Month.ToString(c),
                "Do" => at.Day + Ordinal(at.Day),
                "DDDD" => at.DayOfYear.ToString("000", c),
                "DDD" => at.DayOfYear.ToString(c),
                "DD" => at.Day.ToString("00", c),
                "D" => at.Day.ToString(c),
                "dddd" => at.ToString("dddd", c),
                "ddd" => at.ToString("ddd", c),
                "d" => (at.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)at.DayOfWeek).ToString(c),
                "HH" => at.Hour.ToString("00", c),
                "H" => at.Hour.ToString(c),
                "hh" => (at.Hour % 12 == 0 ? 12 : at.Hour % 12).ToString("00", c),
                "h" => (at.Hour % 12 == 0 ? 12 : at.Hour % 12).ToString(c),
                "mm" => at.Minute.ToString("00", c),
                "m" => at.Minute.ToString(c),
                "ss" => at.Second.ToString("00", c),
                "s" => at.Second.ToString(c),
                ['S', ..] => (at.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", c)[..t.Length],
                "X" => at.ToUnixTimeSeconds().ToString(c),
                "ZZ" => at.ToString("zzz", c),
                "Z" => at.ToString("zzz", c).Replace(":", "", StringComparison.Ordinal),
                "A" => at.Hour < 12 ? "AM" : "PM",
                "a" => at.Hour < 12 ? "am" : "pm",
                _ => t,
            });
        }
        return result.Append(format, last, format.Length - last).ToString();
    }

    private static string Ordinal(int day) => (day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    /// <summary>A date as a step gives it (<c>2024-05-19</c>, <c>2024-05-19T10:00:00Z</c>); without an offset it is UTC.</summary>
    /// <exception cref="FormatException">Not a date.</exception>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
            : throw new FormatException($"\"{text}\" is not a date: write it as 2024-05-19 or 2024-05-19T10:00:00");

    /// <summary>A random moment within a hundred years either side of <paramref name="now"/>.</summary>
    public static DateTimeOffset Anytime(DateTimeOffset now, Random random) => Shift(now, random.Next(-RandomDays, RandomDays + 1), random);

    /// <summary>A random moment later than <paramref name="start"/> (by up to a hundred years).</summary>
    public static DateTimeOffset After(DateTimeOffset start, Random random) => Shift(start, random.Next(1, RandomDays + 1), random);

    /// <summary>A random moment earlier than <paramref name="end"/> (by up to a hundred years).</summary>
    public static DateTimeOffset Before(DateTimeOffset end, Random random) => Shift(end, -random.Next(1, RandomDays + 1), random);

    /// <summary>A random moment from <paramref name="start"/> to <paramref name="end"/>, whichever comes first.</summary>
    public static DateTimeOffset Between(DateTimeOffset start, DateTimeOffset end, Random random)
    {
        if (end < start) (start, end) = (end, start);
        var seconds = (long)(end - start).TotalSeconds;
        return start.AddSeconds(seconds <= 0 ? 0 : random.NextInt64(0, seconds + 1));
    }

    // Whole days and a random time of day, kept inside the calendar.
    private static DateTimeOffset Shift(DateTimeOffset from, int days, Random random)
    {
        var ticks = from.UtcTicks + days * TimeSpan.TicksPerDay + random.NextInt64(-TimeSpan.TicksPerDay / 2, TimeSpan.TicksPerDay / 2);
        ticks = Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay);
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(from.Offset);
    }
}
