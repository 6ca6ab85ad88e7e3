using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;

namespace Integrations.ApiTest;

/// <summary>
/// XPath 1.0 over XML documents, with the namespace prefixes <c>namespace prefix "P" of "NS"</c> gave; a prefix no
/// step gave is the one the document itself declares.
/// </summary>
public static partial class XmlPaths
{
    /// <summary>The SOAP 1.1 envelope's namespace.</summary>
    public const string Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    /// <summary>The SOAP 1.2 envelope's namespace.</summary>
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";

    /// <summary><paramref name="text"/> as an XML document; <paramref name="what"/> ("the request", "the response") names it in the error.</summary>
    /// <exception cref="FormatException">It is not XML; the message names the line.</exception>
    public static XDocument Parse(string text, string what)
    {
        try
        {
            return XDocument.Parse(text, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new FormatException($"{what} is not XML: line {e.LineNumber}, position {e.LinePosition}: {Clean(e.Message)}");
        }
    }

    /// <summary>The SOAP version of an envelope (1.1 or 1.2), or null for XML that is not one.</summary>
    public static string? SoapVersion(XDocument document) => document.Root?.Name switch
    {
        { LocalName: "Envelope", NamespaceName: Soap11 } => "1.1",
        { LocalName: "Envelope", NamespaceName: Soap12 } => "1.2",
        _ => null,
    };

    /// <summary>
    /// The text of what <paramref name="xpath"/> finds: one element's or attribute's text, or the value of an expression
    /// such as <c>count(//item)</c>; null when it finds nothing.
    /// </summary>
    /// <exception cref="FormatException">Not an XPath, a prefix with no namespace, or more than one node found.</exception>
    public static string? Text(XDocument document, string xpath, IReadOnlyDictionary<string, string> prefixes)
    {
        var result = Evaluate(document, xpath, prefixes);
        if (result is not IEnumerable<object> nodes)
            return result switch
            {
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            };
        var found = nodes.ToList();
        return found.Count switch
        {
            0 => null,
            1 => TextOf(found[0]),
            var n => throw new FormatException($"XPath {xpath} finds {n} nodes; make it find one (e.g. ({xpath})[1])"),
        };
    }

    /// <summary>The texts of every node <paramref name="xpath"/> finds.</summary>
    public static IReadOnlyList<string> Texts(XDocument document, string xpath, IReadOnlyDictionary<string, string> prefixes) =>
        Evaluate(document, xpath, prefixes) is IEnumerable<object> nodes ? [.. nodes.Select(TextOf)] : [Text(document, xpath, prefixes) ?? ""];

    /// <summary>Sets the text of the one element or attribute <paramref name="xpath"/> finds; an element keeps its child elements.</summary>
    /// <exception cref="FormatException">It finds no node, more than one, or something that has no text of its own.</exception>
    public static void Set(XDocument document, string xpath, IReadOnlyDictionary<string, string> prefixes, string text)
    {
        if (Evaluate(document, xpath, prefixes) is not IEnumerable<object> nodes)
            throw new FormatException($"XPath {xpath} computes a value; to set one, it must find an element or an attribute");
        var found = nodes.ToList();
        switch (found)
        {
            case []:
                throw new FormatException($"XPath {xpath} finds nothing in the request");
            case [XElement element]:
                element.Nodes().OfType<XText>().ToList().ForEach(t => t.Remove());
                element.AddFirst(new XText(text));
                break;
            case [XAttribute attribute]:
                attribute.Value = text;
                break;
            case [XText node]:
                node.Value = text;
                break;
            case [_]:
                throw new FormatException($"XPath {xpath} finds a node with no text to set; point it at an element or an attribute");
            default:
                throw new FormatException($"XPath {xpath} finds {found.Count} nodes in the request; make it find one (e.g. ({xpath})[1])");
        }
    }

    private static object Evaluate(XDocument document, string xpath, IReadOnlyDictionary<string, string> prefixes)
    {
        var resolver = Resolver(document, prefixes);
        try
        {
            return document.XPathEvaluate(xpath, resolver);
        }
        catch (XPathException e)
        {
            var missing = Prefixes(xpath).Where(p => resolver.LookupNamespace(p) is null).ToList();
            if (missing.Count > 0)
                throw new FormatException($"XPath {xpath}: the prefix {missing[0]} has no namespace; add Given namespace prefix \"{missing[0]}\" of \"…\" before this step");
            throw new FormatException($"\"{xpath}\" is not an XPath: {Clean(e.Message)}");
        }
    }

    private static XmlNamespaceManager Resolver(XDocument document, IReadOnlyDictionary<string, string> prefixes)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.Root is { } root)
            foreach (var declaration in root.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => a.IsNamespaceDeclaration && a.Name.Namespace == XNamespace.Xmlns))
                known.TryAdd(declaration.Name.LocalName, declaration.Value);
        foreach (var (prefix, ns) in prefixes) known[prefix] = ns;
        var manager = new XmlNamespaceManager(new NameTable());
        foreach (var (prefix, ns) in known) manager.AddNamespace(prefix, ns);
        return manager;
    }

    [GeneratedRegex(@"(?<![\w.:-])(?<p>[A-Za-z_][\w.-]*):(?![:])")]
    private static partial Regex Prefix();

    private static IEnumerable<string> Prefixes(string xpath) => Prefix().Matches(xpath).Select(m => m.Groups["p"].Value).Distinct();

    private static string TextOf(object node) => node switch
    {
        XElement e => e.Value,
        XAttribute a => a.Value,
        XText t => t.Value,
        XComment c => c.Value,
        XProcessingInstruction p => p.Data,
        XDocument d => d.Root?.Value ?? "",
        var other => other.ToString() ?? "",
    };

    // The parser's messages repeat the line and position, which the errors above already give.
    private static string Clean(string message) => Regex.Replace(message, @"\s*Line \d+, position \d+\.?$", "").TrimEnd('.');
}
