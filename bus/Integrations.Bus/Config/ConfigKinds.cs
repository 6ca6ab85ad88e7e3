using System.Collections.Concurrent;
using System.Reflection;
using Integrations.Config;

namespace Integrations.Bus.Config;

/// <summary>
/// The kinds of configuration object a node keeps, each stored by name: every <see cref="ConfigKind{T}"/> declared
/// in this assembly, in the order an environment is applied.
/// </summary>
public sealed class ConfigKinds
{
    private static readonly ConcurrentDictionary<Type, string> KindNames = new();
    private readonly Dictionary<string, ConfigKind> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, ConfigKind> _byType = [];
    private readonly List<ConfigKind> _ordered = [];

    private ConfigKinds(IEnumerable<ConfigKind> kinds)
    {
        foreach (var kind in kinds.OrderBy(k => k.Order).ThenBy(k => k.Name, StringComparer.Ordinal))
        {
            _byName.Add(kind.Name, kind);
            _byType.Add(kind.Type, kind);
            _ordered.Add(kind);
        }
    }

    /// <summary>Every kind the product has: the kinds declared in <c>Config/Kinds</c>.</summary>
    public static ConfigKinds Product() => ProductKinds.Value;

    private static readonly Lazy<ConfigKinds> ProductKinds = new(() => new ConfigKinds(
        typeof(ConfigKinds).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(ConfigKind)))
            .Select(t => (ConfigKind)Activator.CreateInstance(t, nonPublic: true)!)));

    /// <summary>All kinds, in the order an environment is applied.</summary>
    public IReadOnlyList<ConfigKind> All => _ordered;

    /// <summary>Their names, in that order.</summary>
    public IReadOnlyList<string> Names => [.. _ordered.Select(k => k.Name)];

    /// <summary>The kind's name of <paramref name="type"/>, from its <see cref="ConfigKindAttribute"/>.</summary>
    public static string NameOf(Type type) => KindNames.GetOrAdd(type, static t =>
        t.GetCustomAttribute<ConfigKindAttribute>()?.Kind
        ?? throw new ArgumentException($"{t.FullName} is not a configuration kind: it needs [ConfigKind(\"name\")]"));

    /// <summary>The kind of <paramref name="type"/>.</summary>
    public ConfigKind Of(Type type) => _byType[type];

    /// <summary>Finds a kind by name.</summary>
    public bool TryGet(string name, out ConfigKind kind) => _byName.TryGetValue(name, out kind!);

    /// <summary>The references made to objects of <paramref name="kind"/>, from every kind.</summary>
    public IEnumerable<ConfigReference> ReferencesTo(string kind) => _ordered.SelectMany(k => k.References).Where(r => r.Target == kind);
}
