using YamlDotNet.Core;

namespace Integrations.Bus.Config.Environment;

/// <summary>An environment read from a YAML file, with where each object and field was written, for error messages.</summary>
public sealed class EnvironmentFile
{
    private readonly Dictionary<(string Kind, int Index), (Mark Item, Dictionary<string, Mark> Fields)> _places = [];
    private readonly Dictionary<string, Mark> _sections = new(StringComparer.Ordinal);

    internal EnvironmentFile(string path) => Path = path;

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The content, secrets and <c>Esb_Env.NAME</c> values filled in; null when <see cref="Errors"/> has any.</summary>
    public EnvironmentContent? Content { get; internal set; }

    /// <summary>What is wrong with the file, each as <c>FILE:LINE:COLUMN: message</c>.</summary>
    public List<string> Errors { get; } = [];

    internal void Place(string kind, int index, Mark item, Dictionary<string, Mark> fields) => _places[(kind, index)] = (item, fields);
    internal void Section(string kind, Mark at) => _sections[kind] = at;

    internal void Error(Mark at, string message) => Errors.Add($"{Path}:{at.Line}:{at.Column}: {message}");

    /// <summary>An error the node found, put where it was written: <c>FILE:LINE:COLUMN: kind 'name': field: message</c>.</summary>
    public string Locate(EnvironmentError error)
    {
        var at = _sections.TryGetValue(error.Kind, out var section) ? section : Mark.Empty;
        if (_places.TryGetValue((error.Kind, error.Index), out var place))
        {
            at = place.Item;
            var field = error.Field == "secret" ? "password" : error.Field;
            if (field is not null && place.Fields.TryGetValue(field.Split('.', '[')[0], out var fieldAt)) at = fieldAt;
        }
        var what = error.Name is not null ? $"{error.Kind} '{error.Name}'" : error.Kind;
        var field2 = error.Field == "secret" ? "password" : error.Field;
        return $"{Path}:{at.Line}:{at.Column}: {what}: {(field2 is not null ? field2 + ": " : "")}{error.Message}";
    }
}
