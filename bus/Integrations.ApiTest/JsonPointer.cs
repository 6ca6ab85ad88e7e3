using System.Text.Json.Nodes;

namespace Integrations.ApiTest;

/// <summary>JSON Pointers (RFC 6901): <c>/account_balance</c>, <c>/items/0/id</c>, <c>""</c> for the whole document.</summary>
public static class JsonPointer
{
    /// <summary>The pointer's tokens, <c>~1</c> and <c>~0</c> decoded; throws <see cref="FormatException"/> for a pointer that does not start with /.</summary>
    public static IReadOnlyList<string> Parse(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new FormatException($"'{pointer}' is not a JSON Pointer: it starts with / (e.g. /account_balance, /items/0/id)");
        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    /// <summary>The value at <paramref name="pointer"/>: found (the value may be JSON null) or not.</summary>
    public static bool TryGet(JsonNode? document, string pointer, out JsonNode? value)
    {
        value = document;
        foreach (var token in Parse(pointer))
        {
            switch (value)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    value = child;
                    break;
                case JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count && token == index.ToString():
                    value = array[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        return true;
    }

    /// <summary>Sets the value at <paramref name="pointer"/>, making the objects (or, for numeric tokens, arrays) on the way.</summary>
    public static JsonNode Set(JsonNode? document, string pointer, JsonNode? value)
    {
        var tokens = Parse(pointer);
        if (tokens.Count == 0) return value ?? new JsonObject();
        document ??= int.TryParse(tokens[0], out _) ? new JsonArray() : new JsonObject();
        var current = document;
        for (var i = 0; i < tokens.Count; i++)
        {
            var last = i == tokens.Count - 1;
            var token = tokens[i];
            JsonNode? Next() => last ? value : (int.TryParse(tokens[i + 1], out _) || tokens[i + 1] == "-" ? new JsonArray() : new JsonObject());
            switch (current)
            {
                case JsonObject obj:
                    if (last || obj[token] is null) obj[token] = Next();
                    if (!last) current = obj[token]!;
                    break;
                case JsonArray array:
                    var index = token == "-" ? array.Count : int.TryParse(token, out var n) ? n : throw new FormatException($"'{token}' in '{pointer}' is not an index of a list");
                    while (array.Count <= index) array.Add(null);
                    if (last || array[index] is null) array[index] = Next();
                    if (!last) current = array[index]!;
                    break;
                default:
                    throw new FormatException($"'{pointer}': a value on the way is neither an object nor a list");
            }
        }
        return document;
    }
}
