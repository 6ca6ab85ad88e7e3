using System.Globalization;
using System.Text.Json.Nodes;

namespace Integrations.Adapters.Dashboard;

/// <summary>How the dashboard writes numbers a person reads.</summary>
public static class Shown
{
    /// <summary>A duration in milliseconds with its unit: <c>0.42 ms</c>, <c>12.3 ms</c>, <c>1.25 s</c>, <c>95 s</c>.</summary>
    public static string Duration(double milliseconds) => milliseconds switch
    {
        < 1 => milliseconds.ToString("0.## 'ms'", CultureInfo.InvariantCulture),
        < 1000 => milliseconds.ToString("0.# 'ms'", CultureInfo.InvariantCulture),
        < 60_000 => (milliseconds / 1000).ToString("0.## 's'", CultureInfo.InvariantCulture),
        _ => (milliseconds / 1000).ToString("0 's'", CultureInfo.InvariantCulture),
    };

    /// <summary>A duration the admin API gives in milliseconds; empty when there is none (yet).</summary>
    public static string Duration(JsonNode? milliseconds) =>
        milliseconds is JsonValue v && v.TryGetValue<double>(out var ms) ? Duration(ms) : "";
}
