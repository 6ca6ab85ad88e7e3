using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Integrations.Bus.Config;

/// <summary>
/// The help of a configuration field is its record's documentation: one text, read from the XML documentation the
/// build writes beside the assembly, so the admin API, the CLI and the dashboard say what the code's docs say.
/// </summary>
internal static partial class FieldDocs
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Files = new();

    /// <summary>The summary of <paramref name="property"/>, as plain text; empty when the documentation is not there.</summary>
    public static string Of(PropertyInfo property)
    {
        var docs = Files.GetOrAdd(property.DeclaringType!.Assembly, Read);
        if (docs.TryGetValue($"P:{property.DeclaringType.FullName}.{property.Name}", out var text) && text.Length > 0) return text;
        // <inheritdoc />: the interface's word for it (a name "unique within its kind").
        foreach (var contract in property.DeclaringType.GetInterfaces())
            if (contract.GetProperty(property.Name) is { } inherited && inherited.DeclaringType is { } declaring
                && Files.GetOrAdd(declaring.Assembly, Read).TryGetValue($"P:{declaring.FullName}.{property.Name}", out var own))
                return own;
        return "";
    }

    private static IReadOnlyDictionary<string, string> Read(Assembly assembly)
    {
        var file = Path.ChangeExtension(assembly.Location, ".xml");
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(file)) return new Dictionary<string, string>();
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(file).Descendants("member"))
            if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                summaries[name] = Plain(summary);
        return summaries;
    }

    // <c>x</c> and <see cref="T:A.B"/> as text; the rest of the markup away; one line.
    private static string Plain(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(node => node switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } see => (see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? "").Split('.', ':').Last(),
            XElement e => e.Value,
            _ => "",
        }));
        return Spaces().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
