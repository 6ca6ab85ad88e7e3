using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.Bus.Edge;

/// <summary>
/// Reads a service's input as operators type it: a JSON object, or <c>key=value</c> lines (which mean the same
/// as a JSON object of strings).
/// </summary>
public static class InvokeParameters
{
    /// <summary>Turns <paramref name="text"/> into a JSON object's text, or says what is wrong and where.</summary>
    public static bool TryParse(string? text, out string json, out string? error)
    {
        error = null;
        json = "{}";
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0) return true;

        if (trimmed[0] is '{' or '[' or '"')
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = "parameters must be a JSON object, e.g. {\"name\": \"Mike\"}";
                    return false;
                }
            }
            catch (JsonException e)
            {
                error = "parameters: " + Integrations.Runtime.ServiceInput.Malformed(e);
                return false;
            }
            json = trimmed;
            return true;
        }

        var result = new JsonObject();
        var lines = trimmed.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                error = $"parameters, line {i + 1}: expected key=value, got '{Shorten(line)}'";
                return false;
            }
            var key = line[..eq].Trim();
            if (result.ContainsKey(key))
            {
                error = $"parameters, line {i + 1}: '{key}' is given twice";
                return false;
            }
            result[key] = line[(eq + 1)..].Trim();
        }
        json = result.ToJsonString();
        return true;
    }

    private static string Shorten(string line) => line.Length > 40 ? line[..40] + "…" : line;
}
