using System.Collections.Concurrent;
using System.Reflection;
using Integrations.Config;
using Marten;

namespace Integrations.Bus.Config;

/// <summary>One kind of configuration object and how the store reads it.</summary>
public sealed class ConfigKind
{
    internal ConfigKind(string name, Type type,
        Func<IQuerySession, string, CancellationToken, Task<IConfigObject?>> load,
        Func<IQuerySession, CancellationToken, Task<IReadOnlyList<IConfigObject>>> loadAll,
        Action<StoreOptions> configure, Action<IDocumentSession, IConfigObject> store, Action<IDocumentSession, string> delete)
    {
        Store = store;
        Delete = delete;
        Name = name;
        Type = type;
        Load = load;
        LoadAll = loadAll;
        Configure = configure;
    }

    /// <summary>The kind's name, e.g. <c>service_settings</c>.</summary>
    public string Name { get; }
    /// <summary>The record type.</summary>
    public Type Type { get; }
    internal Func<IQuerySession, string, CancellationToken, Task<IConfigObject?>> Load { get; }
    internal Func<IQuerySession, CancellationToken, Task<IReadOnlyList<IConfigObject>>> LoadAll { get; }
    internal Action<StoreOptions> Configure { get; }
    internal Action<IDocumentSession, IConfigObject> Store { get; }
    internal Action<IDocumentSession, string> Delete { get; }
}

/// <summary>The kinds of configuration object a node keeps; each is stored by name.</summary>
public sealed class ConfigKinds
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();
    private readonly Dictionary<string, ConfigKind> _kinds = new(StringComparer.Ordinal);

    /// <summary>Every kind the product has.</summary>
    public static ConfigKinds Product() => new ConfigKinds()
        .Add<ServiceSettings>()
        .Add<SecurityDefinition>()
        .Add<OutgoingRest>()
        .Add<ChannelRest>()
        .Add<ScheduledJob>()
        .Add<ConnectionAmqp>()
        .Add<ChannelAmqp>()
        .Add<OutgoingAmqp>()
        .Add<ConnectionMq>()
        .Add<ChannelMq>()
        .Add<OutgoingMq>()
        .Add<ChannelWebSocket>()
        .Add<PubSubTopic>()
        .Add<PubSubSubscription>();

    /// <summary>All kinds.</summary>
    public IReadOnlyCollection<ConfigKind> All => _kinds.Values;

    /// <summary>The kind's name of <paramref name="type"/>, from its <see cref="ConfigKindAttribute"/>.</summary>
    public static string NameOf(Type type) => Names.GetOrAdd(type, static t =>
        t.GetCustomAttribute<ConfigKindAttribute>()?.Kind
        ?? throw new ArgumentException($"{t.FullName} is not a configuration kind: it needs [ConfigKind(\"name\")]"));

    /// <summary>Adds a kind.</summary>
    public ConfigKinds Add<T>() where T : class, IConfigObject
    {
        var name = NameOf(typeof(T));
        _kinds[name] = new ConfigKind(name, typeof(T),
            async (session, id, ct) => await session.LoadAsync<T>(id, ct).ConfigureAwait(false),
            async (session, ct) => (await session.Query<T>().ToListAsync(ct).ConfigureAwait(false)).Cast<IConfigObject>().ToList(),
            options => options.Schema.For<T>().Identity(x => x.Name),
            (session, value) => session.Store((T)value),
            (session, name) => session.Delete<T>(name));
        return this;
    }

    /// <summary>The kind of <paramref name="type"/>.</summary>
    public ConfigKind Of(Type type) => _kinds[NameOf(type)];

    /// <summary>Finds a kind by name.</summary>
    public bool TryGet(string name, out ConfigKind kind) => _kinds.TryGetValue(name, out kind!);
}
