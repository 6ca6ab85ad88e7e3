using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Integrations.Runtime;

/// <summary>
/// Says in the caller's words why a JSON value did not bind to the record it was meant for: the field, what it must
/// be, what came (<c>name: expected a string, got the number 5</c>) — never a .NET type.
/// </summary>
public static class JsonProblems
{
    /// <summary>
    /// The field (a path such as <c>items[0].qty</c>, or <c>$</c> for the whole value) and what is wrong with it, for a
    /// <see cref="JsonException"/> thrown while <paramref name="root"/> was read as <paramref name="target"/>.
    /// </summary>
    public static (string Field, string Message) Describe(JsonException exception, JsonElement root, Type target, JsonSerializerOptions options)
    {
        var field = exception.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : "$";
        if (UnknownMember(exception.Message) is { } unknown)
        {
            var known = Members(target, options);
            return (unknown, "unknown field" + Suggestions.DidYouMean(unknown, known));
        }
        if (exception.Message.Contains("uplicate", StringComparison.Ordinal)) return (field, "is given twice");
        var (value, type) = Walk(root, target, Segments(exception.Path), options);
        if (type is null) return (field, "has a value of the wrong type");
        if (value is null) return (field, $"expected {Expected(type, options)}");
        if (value.Value.ValueKind == JsonValueKind.Null) return (field, $"must not be null: expected {Expected(type, options)}");
        return (field, $"expected {Expected(type, options)}, got {Got(value.Value)}");
    }

    /// <summary>The JSON names a record reads, for "did you mean".</summary>
    public static IReadOnlyList<string> Members(Type type, JsonSerializerOptions options) =>
        options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Object } info ? [.. info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).Select(p => p.Name)] : [];

    /// <summary>What a value of <paramref name="type"/> is, as a person says it: "a string", "a whole number", "one of 'a', 'b'"…</summary>
    public static string Expected(Type type, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(char)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte))
            return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a date and time such as 2026-12-01T08:00:00Z";
        if (type == typeof(DateOnly)) return "a date such as 2026-12-01";
        if (type == typeof(TimeOnly)) return "a time of day such as 08:30:00";
        if (type == typeof(TimeSpan)) return "a duration such as 00:05:00";
        if (type == typeof(Guid)) return "an id such as 3f2b8c1e-6d4a-4f0e-9a57-2c1d9e8b7a60";
        if (type == typeof(JsonElement) || type == typeof(object)) return "a JSON value";
        if (type.IsEnum)
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"'{JsonNamingPolicy.SnakeCaseLower.ConvertName(n)}'"));
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a list",
            JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Object => "an object",
            _ => "a JSON value",
        };
    }

    private static string Got(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {JsonSerializer.Serialize(Shorten(value.GetString()!))}",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    // "The JSON property 'x' could not be mapped to any .NET member …" → x
    private static string? UnknownMember(string message)
    {
        if (!message.Contains("could not be mapped", StringComparison.Ordinal)) return null;
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    // "$.items[0].qty" → items, 0, qty
    private static List<string> Segments(string? path)
    {
        var segments = new List<string>();
        if (path is null) return segments;
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                segments.Add(path[(i + 1)..end].Trim('\''));
                i = end + 1;
            }
            else i++;
        }
        return segments;
    }

    // Follows the path through the JSON and through the type together: the value that came and the type it was meant to be.
    private static (JsonElement? Value, Type? Type) Walk(JsonElement root, Type target, List<string> segments, JsonSerializerOptions options)
    {
        JsonElement? value = root;
        var type = target;
        foreach (var segment in segments)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            var info = options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
                    if (property is null) return (null, null);
                    type = property.PropertyType;
                    value = value is { ValueKind: JsonValueKind.Object } o ? Child(o, segment) : null;
                    break;
                case JsonTypeInfoKind.Enumerable:
                    type = info.ElementType ?? typeof(object);
                    value = value is { ValueKind: JsonValueKind.Array } a && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.GetArrayLength()
                        ? a[index] : null;
                    break;
                case JsonTypeInfoKind.Dictionary:
                    type = info.ElementType ?? typeof(object);
                    value = value is { ValueKind: JsonValueKind.Object } d ? Child(d, segment) : null;
                    break;
                default:
                    return (null, null);
            }
        }
        return (value, type);
    }

    private static JsonElement? Child(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        return null;
    }
}
