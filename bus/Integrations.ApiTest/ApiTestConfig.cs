using YamlDotNet.RepresentationModel;

namespace Integrations.ApiTest;

/// <summary>
/// Values a feature names with <c>@config NAME</c> (or <c>@NAME</c>): from <c>apitest.ini</c> (<c>name = value</c> lines,
/// <c>[section]</c> headers making <c>section.name</c>), <c>apitest.yaml</c> (nested keys joined with dots) or Zato's
/// <c>config.ini</c> (its <c>[user]</c> section), found beside the feature or in a folder above it.
/// </summary>
public sealed class ApiTestConfig
{
    private readonly Dictionary<string, string> _values;

    private ApiTestConfig(Dictionary<string, string> values, string? path)
    {
        _values = values;
        Path = path;
    }

    /// <summary>The file the values came from, if any.</summary>
    public string? Path { get; }

    /// <summary>No values.</summary>
    public static ApiTestConfig Empty { get; } = new([], null);

    /// <summary>A value by name.</summary>
    public bool TryGet(string name, out string value) => _values.TryGetValue(name, out value!);

    /// <summary>Values given directly (the built-in demo's address).</summary>
    public static ApiTestConfig Of(IReadOnlyDictionary<string, string> values) => new(new(values, StringComparer.OrdinalIgnoreCase), null);

    /// <summary>The config nearest to <paramref name="featureDirectory"/>: its own folder first, then the folders above.</summary>
    /// <exception cref="FormatException">The file is not readable as config; the message names the line.</exception>
    public static ApiTestConfig For(string featureDirectory)
    {
        for (var folder = new DirectoryInfo(featureDirectory); folder is not null; folder = folder.Parent)
        {
            var ini = System.IO.Path.Combine(folder.FullName, "apitest.ini");
            if (File.Exists(ini)) return new(ReadIni(ini), ini);
            foreach (var name in (string[])["apitest.yaml", "apitest.yml"])
            {
                var yaml = System.IO.Path.Combine(folder.FullName, name);
                if (File.Exists(yaml)) return new(ReadYaml(yaml), yaml);
            }
            // Zato's suites keep their values in config.ini's [user] section; a config.ini without one is someone else's.
            var zato = System.IO.Path.Combine(folder.FullName, "config.ini");
            if (File.Exists(zato) && File.ReadLines(zato).Any(l => l.Trim().Equals("[user]", StringComparison.OrdinalIgnoreCase))) return new(ReadIni(zato), zato);
        }
        return Empty;
    }

    private static Dictionary<string, string> ReadIni(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var section = "";
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim() + ".";
                continue;
            }
            var equals = line.IndexOfAny(['=', ':']);
            if (equals <= 0) throw new FormatException($"{path}:{i + 1}: expected name = value");
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')) value = value[1..^1];
            values[section + line[..equals].Trim()] = value;
            // A value in a section is also found by its plain name, unless another section has it.
            if (section.Length > 0) values.TryAdd(line[..equals].Trim(), value);
        }
        return values;
    }

    private static Dictionary<string, string> ReadYaml(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root) Flatten(root, "", values);
        return values;
    }

    private static void Flatten(YamlMappingNode node, string prefix, Dictionary<string, string> values)
    {
        foreach (var (key, value) in node.Children)
        {
            var name = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode child) Flatten(child, name + ".", values);
            else if (value is YamlScalarNode scalar) values[name] = scalar.Value ?? "";
        }
    }
}
