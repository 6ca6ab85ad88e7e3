using System.Text.Json.Nodes;

namespace Integrations.ApiTest;

/// <summary>What outlives a scenario, until <c>context is cleaned up</c>: stored values, date formats, namespace prefixes.</summary>
public sealed class FeatureState
{
    /// <summary>Values stored by steps, by name, as JSON values (a stored number stays a number).</summary>
    public Dictionary<string, JsonNode?> Stored { get; } = new(StringComparer.Ordinal);
    /// <summary>Date formats named by <c>date format "NAME" "FORMAT"</c>.</summary>
    public Dictionary<string, string> DateFormats { get; } = new(StringComparer.Ordinal);
    /// <summary>Namespaces by prefix, from <c>namespace prefix "P" of "NS"</c>.</summary>
    public Dictionary<string, string> Namespaces { get; } = new(StringComparer.Ordinal);

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        Stored.Clear();
        DateFormats.Clear();
        Namespaces.Clear();
    }
}
