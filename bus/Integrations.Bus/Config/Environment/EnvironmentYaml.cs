using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integrations.Bus.Deployment;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Integrations.Runtime;

namespace Integrations.Bus.Config.Environment;

/// <summary>
/// The YAML form of an environment: one section per kind (<c>security</c>, <c>outgoing_rest</c>, <c>channel_rest</c>,
/// <c>scheduler</c>, <c>service_settings</c>), each a list of objects with snake_case fields, and <c>services</c>, a
/// list of source files relative to the YAML file. Secrets are written as <c>Esb_Env.NAME</c> placeholders, and any
/// value <c>Esb_Env.NAME</c> is read from the environment variable <c>NAME</c>.
/// </summary>
public static partial class EnvironmentYaml
{
    /// <summary>The placeholder prefix.</summary>
    public const string Placeholder = "Esb_Env.";

    /// <summary>Reads <paramref name="path"/>; <paramref name="variable"/> gives environment values by name (null when unset).</summary>
    public static EnvironmentFile Read(string path, Func<string, string?> variable)
    {
        var file = new EnvironmentFile(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file.Errors.Add($"{path}: cannot be read: {e.Message}");
            return file;
        }
        Parse(file, text, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, variable);
        return file;
    }

    /// <summary>Reads YAML <paramref name="text"/> as if from <paramref name="path"/>, source files relative to <paramref name="directory"/>.</summary>
    public static EnvironmentFile Parse(string path, string text, string directory, Func<string, string?> variable)
    {
        var file = new EnvironmentFile(path);
        Parse(file, text, directory, variable);
        return file;
    }

    private static void Parse(EnvironmentFile file, string text, string directory, Func<string, string?> variable)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            file.Error(e.Start, $"not valid YAML: {Plain(e)}");
            return;
        }
        var objects = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
        var services = new List<SourceFile>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            file.Content = new EnvironmentContent(objects, services);
            return;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            file.Error(stream.Documents[0].RootNode.Start, "the file must be a mapping of sections: security:, outgoing_rest:, channel_rest:, scheduler:, services:");
            return;
        }
        foreach (var (keyNode, section) in root.Children)
        {
            var kind = ((YamlScalarNode)keyNode).Value ?? "";
            file.Section(kind, keyNode.Start);
            if (kind != "services" && !EnvironmentImport.Order.Contains(kind))
            {
                file.Error(keyNode.Start, $"unknown section '{kind}'{Suggestions.DidYouMean(kind, EnvironmentImport.Order.Append("services"))}; the sections are {string.Join(", ", EnvironmentImport.Order)}, services");
                continue;
            }
            if (section is YamlScalarNode { Value: null or "" }) continue;
            if (section is not YamlSequenceNode items)
            {
                file.Error(section.Start, $"{kind}: must be a list (items start with '- ')");
                continue;
            }
            if (kind == "services")
            {
                ReadServices(file, items, directory, services);
                continue;
            }
            var list = new List<JsonObject>();
            foreach (var item in items.Children)
            {
                if (item is not YamlMappingNode mapping)
                {
                    file.Error(item.Start, $"{kind}: each item must be an object with fields (name: …)");
                    continue;
                }
                var fields = new JsonObject();
                var places = new Dictionary<string, Mark>(StringComparer.Ordinal);
                var unset = new List<(string Field, Mark At, string Variable)>();
                foreach (var (fieldNode, valueNode) in mapping.Children)
                {
                    var field = ((YamlScalarNode)fieldNode).Value ?? "";
                    places[field] = fieldNode.Start;
                    var missing = new List<(Mark, string)>();
                    var value = Value(valueNode, missing, variable);
                    unset.AddRange(missing.Select(m => (field, m.Item1, m.Item2)));
                    // A job's input may be written as a mapping; it is kept as its JSON text.
                    if (field == "extra" && value is JsonObject input) value = JsonValue.Create(input.ToJsonString());
                    // Secrets are "password" in YAML, whatever the definition's type.
                    fields[kind == "security" && field == "password" ? "secret" : field] = value;
                }
                var name = fields["name"] is JsonValue n && n.TryGetValue<string>(out var named) ? $" '{named}'" : "";
                foreach (var (field, at, variableName) in unset)
                    file.Error(at, $"{kind}{name}: {field}: {Placeholder}{variableName} needs the environment variable {variableName}, which is not set (nor in the env file)");
                file.Place(kind, list.Count, mapping.Start, places);
                list.Add(fields);
            }
            objects[kind] = list;
        }
        if (file.Errors.Count == 0) file.Content = new EnvironmentContent(objects, services);
    }

    private static void ReadServices(EnvironmentFile file, YamlSequenceNode items, string directory, List<SourceFile> services)
    {
        foreach (var item in items.Children)
        {
            var relative = item switch
            {
                YamlScalarNode scalar => scalar.Value,
                YamlMappingNode mapping when mapping.Children.Count == 1 && mapping.Children.TryGetValue(new YamlScalarNode("file"), out var f) && f is YamlScalarNode s => s.Value,
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(relative))
            {
                file.Error(item.Start, "services: each item is a source file's path relative to this file (- services/GetUserDetails.cs, or - file: …)");
                continue;
            }
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, relative));
            try
            {
                services.Add(new SourceFile(System.IO.Path.GetFileName(full), File.ReadAllText(full)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                file.Error(item.Start, $"services: {relative}: cannot be read ({e.Message})");
            }
        }
    }

    private static JsonNode? Value(YamlNode node, List<(Mark, string)> unset, Func<string, string?> variable)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(c => Value(c, unset, variable))]);
            case YamlMappingNode mapping:
                var json = new JsonObject();
                foreach (var (k, v) in mapping.Children) json[((YamlScalarNode)k).Value ?? ""] = Value(v, unset, variable);
                return json;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style == ScalarStyle.Plain)
                {
                    if (text is "" or "~" or "null" or "Null" or "NULL") return null;
                    if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
                    if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
                }
                if (text.StartsWith(Placeholder, StringComparison.Ordinal))
                {
                    var name = text[Placeholder.Length..];
                    if (variable(name) is { } found) return JsonValue.Create(found);
                    unset.Add((node.Start, name));
                    return null;
                }
                return JsonValue.Create(text);
            default:
                return null;
        }
    }

    /// <summary>The placeholder a secret of <paramref name="name"/> is written as: <c>Esb_Env.My_API_Key</c>.</summary>
    public static string PlaceholderFor(string name) => Placeholder + NotIdentifier().Replace(name.Trim(), "_");

    /// <summary>
    /// Writes <paramref name="content"/> as YAML: secrets as placeholders, and the services as the paths their sources
    /// are written to, <paramref name="serviceFolder"/>/name (null leaves the services out).
    /// </summary>
    public static string Write(EnvironmentContent content, string? serviceFolder)
    {
        var root = new YamlMappingNode();
        foreach (var kind in EnvironmentImport.Order)
        {
            if (!content.Objects.TryGetValue(kind, out var objects) || objects.Count == 0) continue;
            var list = new YamlSequenceNode();
            foreach (var value in objects)
            {
                var mapping = new YamlMappingNode();
                foreach (var (field, given) in value) mapping.Add(field, Node(given));
                // What the object is stays written even when it is the default: the file reads on its own.
                foreach (var (field, fallback) in Identity)
                    if (field.Kind == kind && !value.ContainsKey(field.Field)) Insert(mapping, field.Field, fallback);
                if (kind == "security") mapping.Add("password", new YamlScalarNode(PlaceholderFor(value["name"]!.GetValue<string>())));
                list.Add(mapping);
            }
            root.Add(kind, list);
        }
        if (serviceFolder is not null && content.Services.Count > 0)
            root.Add("services", new YamlSequenceNode(content.Services.Select(f => (YamlNode)new YamlScalarNode($"{serviceFolder}/{f.Name}"))));
        var text = new StringBuilder();
        using (var writer = new StringWriter(text, CultureInfo.InvariantCulture))
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        // The emitter ends a document with "...": not needed for one document.
        return text.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal).TrimEnd('\n', '.') + "\n";
    }

    private static readonly (( string Kind, string Field), string Default)[] Identity =
    [
        (("security", "type"), Integrations.Config.SecurityDefinition.ApiKey),
        (("outgoing_rest", "data_format"), "json"),
        (("channel_rest", "data_format"), "json"),
        (("scheduler", "job_type"), Integrations.Config.ScheduledJob.IntervalBased),
        (("pubsub_subscription", "deliver_to"), Integrations.Config.PubSubSubscription.ToService),
    ];

    // After the name and the fields that come before it in the record: type follows name, data_format follows url_path.
    private static void Insert(YamlMappingNode mapping, string field, string value)
    {
        var entries = mapping.Children.ToList();
        mapping.Children.Clear();
        var after = field switch
        {
            "type" or "job_type" => entries.FindLastIndex(e => ((YamlScalarNode)e.Key).Value is "name" or "service"),
            "deliver_to" => entries.FindLastIndex(e => ((YamlScalarNode)e.Key).Value is "name" or "topic"),
            _ => entries.FindLastIndex(e => ((YamlScalarNode)e.Key).Value is "url_path" or "method"),
        };
        for (var i = 0; i < entries.Count; i++)
        {
            mapping.Children.Add(entries[i]);
            if (i == after) mapping.Add(field, value);
        }
        if (after < 0) mapping.Add(field, value);
    }

    private static YamlNode Node(JsonNode? value) => value switch
    {
        JsonArray array => new YamlSequenceNode(array.Select(Node)) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow },
        JsonObject obj => new YamlScalarNode(obj.ToJsonString()) { Style = ScalarStyle.SingleQuoted },
        JsonValue v when v.TryGetValue<string>(out var text) => new YamlScalarNode(text) { Style = NeedsQuotes(text) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any },
        null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(value.ToJsonString()) { Style = ScalarStyle.Plain },
    };

    // Strings that YAML would read as something else; the emitter quotes the ones with special characters itself.
    private static bool NeedsQuotes(string text) => text.Length == 0 || text.Trim() != text || LooksTyped().IsMatch(text);

    private static string Plain(YamlException e) => e.InnerException?.Message ?? e.Message.Split(": ", 2)[^1];

    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|no|on|off|[-+]?(\d[\d_]*)?(\.\d+)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$")]
    private static partial Regex LooksTyped();

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex NotIdentifier();
}
