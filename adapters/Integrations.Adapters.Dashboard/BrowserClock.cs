using System.Globalization;
using System.Text.Json.Nodes;

namespace Integrations.Adapters.Dashboard;

/// <summary>
/// The time zone of the browser a dashboard session runs in (one per session), so that dates read as the operator's
/// clock does; the node's own zone until the browser has said which it is.
/// </summary>
public sealed class BrowserClock
{
    /// <summary>The zone dates are shown in.</summary>
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Local;

    /// <summary>Raised when the browser's zone became known.</summary>
    public event Action? Changed;

    /// <summary>The browser's zone: an IANA name, or when the node does not know it, the browser's offset from UTC.</summary>
    public void Set(string? id, int offsetMinutes)
    {
        TimeZoneInfo zone;
        try
        {
            zone = id is { Length: > 0 } ? TimeZoneInfo.FindSystemTimeZoneById(id) : Fixed(offsetMinutes);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = Fixed(offsetMinutes);
        }
        Zone = zone;
        Changed?.Invoke();
    }

    private static TimeZoneInfo Fixed(int offsetMinutes) =>
        TimeZoneInfo.CreateCustomTimeZone($"UTC{offsetMinutes:+0;-0}m", TimeSpan.FromMinutes(offsetMinutes), null, null);

    /// <summary><c>yyyy-MM-dd HH:mm:ss</c> in the browser's zone; empty for no moment.</summary>
    public string Format(DateTimeOffset? at) => Format(at, "yyyy-MM-dd HH:mm:ss");

    /// <summary>A moment in the browser's zone, in <paramref name="format"/> (<c>HH:mm</c> on a chart's axis); empty for no moment.</summary>
    public string Format(DateTimeOffset? at, string format) =>
        at is { } moment ? TimeZoneInfo.ConvertTime(moment, Zone).ToString(format, CultureInfo.InvariantCulture) : "";

    /// <summary>A moment as the admin API writes it (ISO 8601), or null when <paramref name="value"/> is none.</summary>
    public static DateTimeOffset? Parse(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;
}
