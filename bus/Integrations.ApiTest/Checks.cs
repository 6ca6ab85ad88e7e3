using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.ApiTest;

/// <summary>What a step's path names: a JSON path, an XPath or a stored variable.</summary>
[Flags]
internal enum Targets
{
    Json = 1,
    Xml = 2,
    Variable = 4,
    All = Json | Xml | Variable,
}

/// <summary>
/// The value a path, an XPath or a variable names, as a check sees it: a JSON value, or the text of an XML node (which
/// is a number when it reads as one, since XML has no types of its own).
/// </summary>
internal sealed record Found(string Where, JsonNode? Json, bool FromXml)
{
    public static Found Xml(string where, string text) => new(where, JsonValue.Create(text), true);

    /// <summary>A string's own text, or the JSON of anything else.</summary>
    public string Text => Vocabulary.Text(Json);

    /// <summary>How the value is shown in a failure.</summary>
    public string Shown => FromXml ? "\"" + Text + "\"" : Values.Show(Json);

    public bool IsString => FromXml || Json is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public bool TryInteger(out BigInteger n)
    {
        n = default;
        if (FromXml) return BigInteger.TryParse(Text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n);
        return Json is JsonValue v && v.GetValueKind() == JsonValueKind.Number && !Values.LooksReal(v.ToJsonString())
            && BigInteger.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out n);
    }

    public bool TryNumber(out double n)
    {
        n = default;
        if (FromXml) return double.TryParse(Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out n);
        return Json is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out n);
    }

    /// <summary>A number written with a fraction or an exponent (Zato's float, as against an integer).</summary>
    public bool IsReal => FromXml ? TryNumber(out _) : Json is JsonValue v && v.GetValueKind() == JsonValueKind.Number && Values.LooksReal(v.ToJsonString());

    public bool? Bool => FromXml
        ? Text.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null }
        : Json?.GetValueKind() switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };

    public bool IsEmpty => FromXml ? Text.Length == 0
        : Json is JsonArray { Count: 0 } or JsonObject { Count: 0 } || Json is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0;
}

/// <summary>Comparing and showing JSON values, and the lists, base64 and base32 steps take.</summary>
internal static class Values
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Show(JsonNode? value) => value is null ? "null" : value.ToJsonString(Readable);

    public static bool LooksReal(string number) => number.AsSpan().IndexOfAny('.', 'e', 'E') >= 0;

    /// <summary>Whether two JSON values are equal as values: numbers by their value (1 and 1.0), objects whatever their keys' order.</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var v) && Same(p.Value, v)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (JsonValue x, JsonValue y) => SameValue(x, y),
        _ => false,
    };

    private static bool SameValue(JsonValue x, JsonValue y)
    {
        var kind = x.GetValueKind();
        if (kind != y.GetValueKind()) return false;
        return kind switch
        {
            JsonValueKind.String => x.GetValue<string>() == y.GetValue<string>(),
            JsonValueKind.Number => decimal.TryParse(x.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m)
                && decimal.TryParse(y.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                    ? m == n
                    : double.Parse(x.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(y.ToJsonString(), CultureInfo.InvariantCulture),
            _ => true,
        };
    }

    /// <summary>Comma-separated items, as Zato reads them (CSV: <c>a, b</c>, or <c>"a, b", c</c> for an item with a comma); spaces around items go.</summary>
    public static List<string> Csv(string text)
    {
        var items = new List<string>();
        var item = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') item.Append(text[++i]);
                else if (c == '"') quoted = false;
                else item.Append(c);
            }
            else if (c == '"' && item.ToString().Trim().Length == 0)
            {
                item.Clear();
                quoted = wasQuoted = true;
            }
            else if (c == ',')
            {
                Add();
            }
            else item.Append(c);
        }
        Add();
        return items;

        void Add()
        {
            var value = wasQuoted ? item.ToString() : item.ToString().Trim();
            if (value.Length > 0 || wasQuoted) items.Add(value);
            item.Clear();
            wasQuoted = false;
        }
    }

    /// <summary>A list a step gives: a Python/JSON list (<c>[1, 'a']</c>) or comma-separated text items (<c>a, b</c>).</summary>
    public static (JsonArray List, bool Typed) List(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 1 && (trimmed[0], trimmed[^1]) is ('[', ']') or ('(', ')') && PythonLiteral.TryParse(trimmed, out var literal) && literal is JsonArray array)
            return (array, true);
        return (new JsonArray([.. Csv(text).Select(i => (JsonNode?)JsonValue.Create(i))]), false);
    }

    public static string ShowList(JsonArray list, bool typed) => typed ? Show(list) : "[" + string.Join(", ", list.Select(Vocabulary.Text)) + "]";

    /// <summary>The text base64 <paramref name="text"/> holds.</summary>
    /// <exception cref="FormatException">It is not base64 of UTF-8 text.</exception>
    public static string FromBase64(string text)
    {
        var clean = new string([.. text.Where(c => !char.IsWhiteSpace(c))]).Replace('-', '+').Replace('_', '/');
        clean = clean.PadRight(clean.Length + (4 - clean.Length % 4) % 4, '=');
        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(clean));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new FormatException($"\"{ScenarioContext.Shorten(text)}\" is not base64 of text");
        }
    }

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

    /// <summary>Why <paramref name="text"/> is not Crockford's base32 (hyphens allowed; with a check symbol last when <paramref name="checksum"/>), or null when it is.</summary>
    public static string? NotBase32Crockford(string text, bool checksum)
    {
        var symbols = text.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant().Replace('I', '1').Replace('L', '1').Replace('O', '0');
        if (symbols.Length < (checksum ? 2 : 1)) return "too short";
        var data = checksum ? symbols[..^1] : symbols;
        BigInteger value = 0;
        foreach (var c in data)
        {
            var at = Crockford.IndexOf(c, StringComparison.Ordinal);
            if (at is < 0 or >= 32) return $"'{c}' is not a base32 symbol";
            value = value * 32 + at;
        }
        if (!checksum) return null;
        var check = Crockford.IndexOf(symbols[^1], StringComparison.Ordinal);
        if (check < 0) return $"'{symbols[^1]}' is not a check symbol";
        var expected = (int)(value % 37);
        return check == expected ? null : $"the check symbol is '{symbols[^1]}' where the value needs '{Crockford[expected]}'";
    }
}
