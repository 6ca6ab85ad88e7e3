using System.Globalization;

namespace Integrations.Bus.Edge;

/// <summary>A rate as operators write it: <c>100/m</c> — that many calls per second (s), minute (m), hour (h) or day (d).</summary>
public readonly record struct RateLimit(int Permits, TimeSpan Window)
{
    /// <summary>Reads <paramref name="text"/>, or says what a rate looks like.</summary>
    public static bool TryParse(string text, out RateLimit rate, out string? error)
    {
        rate = default;
        error = null;
        var parts = text.Trim().Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var permits) && permits > 0)
        {
            TimeSpan? window = parts[1].Trim() switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                _ => null,
            };
            if (window is { } w)
            {
                rate = new RateLimit(permits, w);
                return true;
            }
        }
        error = $"'{text}' is not a rate: write calls per second, minute, hour or day, e.g. 100/m";
        return false;
    }
}
