using System.Collections.Concurrent;
using Integrations.Config;

namespace Integrations.Bus.Config;

/// <summary>
/// This node's in-memory copy of the configuration. The hot path reads only this, never PostgreSQL;
/// <see cref="ConfigSync"/> keeps it current.
/// </summary>
public sealed class ConfigView
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IConfigObject>> _kinds = new(StringComparer.Ordinal);

    private long _version;

    /// <summary>Grows with every change, so a cache built from the view knows when to rebuild.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>How many objects the view holds, of every kind.</summary>
    public int Count => _kinds.Values.Sum(objects => objects.Count);

    /// <summary>Raised after an object changed here: kind, name, and the object (null when deleted).</summary>
    public event Action<string, string, IConfigObject?>? Changed;

    /// <summary>
    /// The one way to react to a change: <paramref name="changed"/> hears of every object of <paramref name="kinds"/>
    /// that changes on this node (committed here or announced by another node), with its kind and name, until the
    /// returned handle is disposed. It runs on the thread that changed the view: it must be quick (queue the work).
    /// </summary>
    public IDisposable Watch(IReadOnlyCollection<string> kinds, Action<string, string> changed)
    {
        void OnChanged(string kind, string name, IConfigObject? value)
        {
            if (kinds.Contains(kind)) changed(kind, name);
        }
        Changed += OnChanged;
        return new Unwatch(() => Changed -= OnChanged);
    }

    /// <summary>
    /// For what rebuilds from a whole kind rather than per object: <paramref name="settled"/> runs after a change of
    /// one of <paramref name="kinds"/> — once at the end of a <see cref="Batch"/> however many it held — on the
    /// thread that changed the view, until the returned handle is disposed.
    /// </summary>
    public IDisposable WatchSettled(IReadOnlyCollection<string> kinds, Action settled)
    {
        void OnSettled(IReadOnlySet<string> changed)
        {
            if (changed.Overlaps(kinds)) settled();
        }
        Settled += OnSettled;
        return new Unwatch(() => Settled -= OnSettled);
    }

    private event Action<IReadOnlySet<string>>? Settled;

    // The batch the current flow of work is in, if any: changes made elsewhere meanwhile settle at once.
    private static readonly AsyncLocal<ChangeBatch?> Current = new();

    /// <summary>
    /// Changes made by the caller until the handle is disposed settle together (<see cref="WatchSettled"/>); each
    /// still raises its own <see cref="Watch(IReadOnlyCollection{string}, Action{string, string})"/>.
    /// </summary>
    public IDisposable Batch()
    {
        var batch = new ChangeBatch(this, Current.Value);
        Current.Value = batch;
        return batch;
    }

    private sealed class ChangeBatch(ConfigView view, ChangeBatch? outer) : IDisposable
    {
        public ConfigView View => view;
        public HashSet<string> Kinds { get; } = new(StringComparer.Ordinal);

        public void Dispose()
        {
            Current.Value = outer;
            if (Kinds.Count > 0) view.Settle(Kinds);
        }
    }

    private void Settle(string kind)
    {
        if (Current.Value is { } batch && batch.View == this) batch.Kinds.Add(kind);
        else Settle(new HashSet<string>(StringComparer.Ordinal) { kind });
    }

    private void Settle(IReadOnlySet<string> kinds) => Settled?.Invoke(kinds);

    /// <summary><see cref="Watch(IReadOnlyCollection{string}, Action{string, string})"/> for the kinds of <paramref name="types"/>.</summary>
    public IDisposable Watch(Type[] types, Action<string, string> changed) => Watch([.. types.Select(ConfigKinds.NameOf)], changed);

    private sealed class Unwatch(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }

    /// <summary>The object of type <typeparamref name="T"/> named <paramref name="name"/>, if there is one.</summary>
    public T? Find<T>(string name) where T : class, IConfigObject =>
        _kinds.TryGetValue(ConfigKinds.NameOf(typeof(T)), out var objects) && objects.TryGetValue(name, out var found) ? (T)found : null;

    /// <summary>The object of kind <paramref name="kind"/> named <paramref name="name"/>, if there is one.</summary>
    public IConfigObject? Find(string kind, string name) =>
        _kinds.TryGetValue(kind, out var objects) && objects.TryGetValue(name, out var found) ? found : null;

    /// <summary>All objects of kind <paramref name="kind"/>, by name.</summary>
    public IReadOnlyList<IConfigObject> All(string kind) =>
        _kinds.TryGetValue(kind, out var objects) ? [.. objects.Values.OrderBy(o => o.Name, StringComparer.Ordinal)] : [];

    /// <summary>All objects of type <typeparamref name="T"/>, by name.</summary>
    public IReadOnlyList<T> All<T>() where T : class, IConfigObject =>
        _kinds.TryGetValue(ConfigKinds.NameOf(typeof(T)), out var objects)
            ? objects.Values.Cast<T>().OrderBy(o => o.Name, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>A copy to lay planned changes over; it raises no events and nothing reads it but the caller.</summary>
    public ConfigView Copy()
    {
        var copy = new ConfigView();
        foreach (var (kind, objects) in _kinds)
            copy._kinds[kind] = new ConcurrentDictionary<string, IConfigObject>(objects, StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Every object of every kind, by kind.</summary>
    public IEnumerable<(string Kind, IConfigObject Value)> Everything() =>
        _kinds.SelectMany(k => k.Value.Values.Select(v => (k.Key, v)));

    internal void Put(string kind, IConfigObject value)
    {
        var objects = _kinds.GetOrAdd(kind, _ => new(StringComparer.Ordinal));
        // Compared by content: records holding lists are never Equals to a fresh copy from the database, and a resync
        // that "changes" every object would reset what caches keep per object (rate-limit counts, compiled routes).
        if (objects.TryGetValue(value.Name, out var old) && SameContent(old, value)) return;
        objects[value.Name] = value;
        Interlocked.Increment(ref _version);
        Changed?.Invoke(kind, value.Name, value);
        Settle(kind);
    }

    /// <summary>Whether two objects say the same, field by field (records holding lists are never Equals).</summary>
    public static bool SameContent(IConfigObject a, IConfigObject b) =>
        a.Equals(b) || (a.GetType() == b.GetType()
            && System.Text.Json.JsonSerializer.Serialize(a, a.GetType()) == System.Text.Json.JsonSerializer.Serialize(b, b.GetType()));

    internal void Remove(string kind, string name)
    {
        if (_kinds.TryGetValue(kind, out var objects) && objects.TryRemove(name, out _))
        {
            Interlocked.Increment(ref _version);
            Changed?.Invoke(kind, name, null);
            Settle(kind);
        }
    }

    internal void ReplaceAll(string kind, IReadOnlyList<IConfigObject> values)
    {
        foreach (var value in values) Put(kind, value);
        if (!_kinds.TryGetValue(kind, out var objects)) return;
        var names = values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in objects.Keys.Where(n => !names.Contains(n)).ToList()) Remove(kind, gone);
    }
}
