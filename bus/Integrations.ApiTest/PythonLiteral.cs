using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Integrations.ApiTest;

/// <summary>
/// Values written as Python literals, as Zato's <c>(with literal_eval)</c> steps take them: numbers, strings in single
/// or double quotes, <c>True</c>, <c>False</c>, <c>None</c>, lists, tuples, sets and dicts, read into JSON values
/// (a tuple or a set becomes a list; a dict's keys become text).
/// </summary>
public static class PythonLiteral
{
    /// <summary>The JSON value <paramref name="text"/> stands for.</summary>
    /// <exception cref="FormatException">It is not a literal; the message says where and what was expected.</exception>
    public static JsonNode? Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipSpace();
        var value = reader.Value();
        reader.SkipSpace();
        if (!reader.AtEnd) throw reader.Error("nothing more (the value ended before)");
        return value;
    }

    /// <summary>Whether <paramref name="text"/> reads as a literal.</summary>
    public static bool TryParse(string text, out JsonNode? value)
    {
        try
        {
            value = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            value = null;
            return false;
        }
    }

    private sealed class Reader(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        private char Next => _at < text.Length ? text[_at] : '\0';

        public FormatException Error(string expected) =>
            new($"\"{text}\" is not a Python literal: at character {_at + 1} expected {expected}"
                + (AtEnd ? ", found the end" : $", found '{text[_at]}'"));

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_at])) _at++;
        }

        public JsonNode? Value()
        {
            SkipSpace();
            switch (Next)
            {
                case '[':
                    _at++;
                    return new JsonArray([.. Items(']')]);
                case '(':
                    _at++;
                    return Tuple();
                case '{':
                    _at++;
                    return Braces();
                case '\'' or '"':
                    return JsonValue.Create(Strings());
                case '-' or '+' or '.' or (>= '0' and <= '9'):
                    return Number();
            }
            var word = Word();
            switch (word)
            {
                case "True": return JsonValue.Create(true);
                case "False": return JsonValue.Create(false);
                case "None": return null;
                case "": throw Error("a value (a number, 'text', True, False, None, [list], (tuple) or {dict})");
            }
            // A string prefix: u'…' (Python 2 suites write these), r'…', b'…'.
            if (word.Length <= 2 && word.All(c => "uUrRbB".Contains(c)) && Next is '\'' or '"')
                return JsonValue.Create(Strings(raw: word.Contains('r', StringComparison.OrdinalIgnoreCase)));
            _at -= word.Length;
            throw Error($"a value, not the name {word} (write text in quotes: '{word}')");
        }

        private string Word()
        {
            var start = _at;
            while (!AtEnd && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_')) _at++;
            return text[start.._at];
        }

        private List<JsonNode?> Items(char close)
        {
            var items = new List<JsonNode?>();
            while (true)
            {
                SkipSpace();
                if (Next == close)
                {
                    _at++;
                    return items;
                }
                items.Add(Value());
                SkipSpace();
                if (Next == ',') _at++;
                else if (Next != close) throw Error($"',' or '{close}'");
            }
        }

        private JsonNode? Tuple()
        {
            SkipSpace();
            if (Next == ')')
            {
                _at++;
                return new JsonArray();
            }
            var first = Value();
            SkipSpace();
            if (Next == ')')
            {
                // (x) is x in parentheses; only (x,) is a tuple.
                _at++;
                return first;
            }
            if (Next != ',') throw Error("',' or ')'");
            _at++;
            return new JsonArray([first, .. Items(')')]);
        }

        private JsonNode Braces()
        {
            SkipSpace();
            if (Next == '}')
            {
                _at++;
                return new JsonObject();
            }
            var first = Value();
            SkipSpace();
            if (Next != ':')
            {
                // {a, b} is a set.
                if (Next == '}')
                {
                    _at++;
                    return new JsonArray([first]);
                }
                if (Next != ',') throw Error("':' (a dict) or ',' (a set)");
                _at++;
                return new JsonArray([first, .. Items('}')]);
            }
            var dict = new JsonObject();
            var key = first;
            while (true)
            {
                _at++;
                var value = Value();
                dict[Vocabulary.Text(key)] = value;
                SkipSpace();
                if (Next == ',') _at++;
                else if (Next != '}') throw Error("',' or '}'");
                SkipSpace();
                if (Next == '}')
                {
                    _at++;
                    return dict;
                }
                key = Value();
                SkipSpace();
                if (Next != ':') throw Error("':' after the key");
            }
        }

        private JsonNode Number()
        {
            var start = _at;
            if (Next is '-' or '+') _at++;
            SkipSpace();
            var digitsStart = _at;
            if (Next == '0' && _at + 1 < text.Length && text[_at + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
            {
                var radix = char.ToLowerInvariant(text[_at + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
                _at += 2;
                var from = _at;
                while (!AtEnd && (Uri.IsHexDigit(text[_at]) || text[_at] == '_')) _at++;
                var digits = text[from.._at].Replace("_", "", StringComparison.Ordinal);
                if (digits.Length == 0) throw Error("digits");
                BigInteger n = 0;
                foreach (var d in digits)
                {
                    var v = Convert.ToInt32(d.ToString(), 16);
                    if (v >= radix) throw Error($"a digit of base {radix}");
                    n = n * radix + v;
                }
                if (text[start] == '-') n = -n;
                return JsonNode.Parse(n.ToString(CultureInfo.InvariantCulture))!;
            }
            var isFloat = false;
            while (!AtEnd && (char.IsAsciiDigit(text[_at]) || text[_at] is '_' or '.' or 'e' or 'E'
                || (text[_at] is '+' or '-' && text[_at - 1] is 'e' or 'E')))
            {
                if (text[_at] is '.' or 'e' or 'E') isFloat = true;
                _at++;
            }
            var number = text[digitsStart.._at].Replace("_", "", StringComparison.Ordinal);
            if (text[start] == '-') number = "-" + number;
            if (number.TrimStart('-').Length == 0) throw Error("digits");
            if (!isFloat && BigInteger.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                return JsonNode.Parse(integer.ToString(CultureInfo.InvariantCulture))!;
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
                return JsonValue.Create(real);
            _at = start;
            throw Error("a number");
        }

        // Python joins string literals written one after another: 'a' 'b' is 'ab'.
        private string Strings(bool raw = false)
        {
            var result = new StringBuilder(String(raw));
            while (true)
            {
                var before = _at;
                SkipSpace();
                if (Next is '\'' or '"') result.Append(String(raw));
                else
                {
                    _at = before;
                    return result.ToString();
                }
            }
        }

        private string String(bool raw)
        {
            var quote = Next;
            var triple = _at + 2 < text.Length && text[_at + 1] == quote && text[_at + 2] == quote;
            _at += triple ? 3 : 1;
            var result = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw Error($"the closing {quote}");
                var c = text[_at];
                if (c == quote && (!triple || (_at + 2 < text.Length && text[_at + 1] == quote && text[_at + 2] == quote)))
                {
                    _at += triple ? 3 : 1;
                    return result.ToString();
                }
                if (c != '\\' || raw)
                {
                    result.Append(c);
                    _at++;
                    continue;
                }
                _at++;
                if (AtEnd) throw Error("a character after \\");
                var e = text[_at++];
                switch (e)
                {
                    case 'n': result.Append('\n'); break;
                    case 't': result.Append('\t'); break;
                    case 'r': result.Append('\r'); break;
                    case '0': result.Append('\0'); break;
                    case 'b': result.Append('\b'); break;
                    case 'f': result.Append('\f'); break;
                    case 'x': result.Append(Code(2)); break;
                    case 'u': result.Append(Code(4)); break;
                    case 'U': result.Append(char.ConvertFromUtf32(int.Parse(Hex(8), NumberStyles.HexNumber, CultureInfo.InvariantCulture))); break;
                    case '\\' or '\'' or '"': result.Append(e); break;
                    case '\n': break;
                    default: result.Append('\\').Append(e); break;
                }
            }
        }

        private char Code(int digits) => (char)int.Parse(Hex(digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        private string Hex(int digits)
        {
            if (_at + digits > text.Length || !text.Substring(_at, digits).All(Uri.IsHexDigit)) throw Error($"{digits} hexadecimal digits");
            _at += digits;
            return text.Substring(_at - digits, digits);
        }
    }
}
