using Integrations.Bus.Node;
using Integrations.Config;
using Marten;
using Serilog;

namespace Integrations.Bus.Config;

/// <summary>
/// Changes configuration: commits to Marten, applies the change to this node, then announces it on the bus
/// (<see cref="ConfigChanged"/>) so every other node applies it too, without a restart.
/// </summary>
public sealed class ConfigStore(IDocumentStore store, Backbone.RabbitBackbone backbone, ConfigView view, ConfigRules rules, ConfigKinds kinds, NodeOptions node,
    IEnumerable<IConfigApplier> appliers, ILogger log)
{
    private readonly ILogger _log = log.ForContext("SourceContext", "config");

    /// <summary>Creates <paramref name="value"/>; refused (409) when an object of its kind already has its name.</summary>
    /// <exception cref="ConfigRejectedException">The object is invalid or its name is taken; nothing was stored.</exception>
    public Task CreateAsync(IConfigObject value, CancellationToken cancellation = default) => StoreAsync(value, mustBeNew: true, cancellation);

    /// <summary>Creates or replaces <paramref name="value"/>.</summary>
    /// <exception cref="ConfigRejectedException">The object is invalid; nothing was stored.</exception>
    public Task SaveAsync(IConfigObject value, CancellationToken cancellation = default) => StoreAsync(value, mustBeNew: false, cancellation);

    private async Task StoreAsync(IConfigObject value, bool mustBeNew, CancellationToken cancellation)
    {
        var kind = kinds.Of(value.GetType());
        var errors = rules.Check(value);
        if (errors.Count > 0) throw new ConfigRejectedException(400, kind.Name, value.Name, errors);
        await using (var session = store.LightweightSession())
        {
            if (mustBeNew)
            {
                if (await kind.LoadAsync(session, value.Name, cancellation).ConfigureAwait(false) is not null)
                    throw new ConfigRejectedException(409, kind.Name, value.Name, [new("name", $"'{value.Name}' exists already")]);
                kind.Insert(session, value);
            }
            else kind.Store(session, value);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        view.Put(kind.Name, value);
        await ApplyAsync(kind.Name, value.Name, cancellation).ConfigureAwait(false);
        await AnnounceAsync(new ConfigChanged { Kind = kind.Name, Name = value.Name, Node = node.NodeName }, cancellation).ConfigureAwait(false);
    }

    /// <summary>Deletes the object of type <typeparamref name="T"/> named <paramref name="name"/>; false when there was none.</summary>
    /// <exception cref="ConfigRejectedException">409: other objects use it; nothing was deleted.</exception>
    public Task<bool> DeleteAsync<T>(string name, CancellationToken cancellation = default) where T : class, IConfigObject =>
        DeleteAsync(ConfigKinds.NameOf(typeof(T)), name, cancellation);

    /// <summary>Deletes the object of kind <paramref name="kindName"/> named <paramref name="name"/>; false when there was none.</summary>
    /// <exception cref="ConfigRejectedException">409: other objects use it; nothing was deleted.</exception>
    public async Task<bool> DeleteAsync(string kindName, string name, CancellationToken cancellation = default)
    {
        if (!kinds.TryGet(kindName, out var kind)) return false;
        await using (var session = store.LightweightSession())
        {
            if (await kind.LoadAsync(session, name, cancellation).ConfigureAwait(false) is not { } existing) return false;
            if (rules.UsersOf(existing) is { Count: > 0 } users)
                throw new ConfigRejectedException(409, kind.Name, name, [new("name", $"in use by {string.Join(", ", users)}; change or delete them first")]);
            kind.Delete(session, name);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        view.Remove(kind.Name, name);
        await ApplyAsync(kind.Name, name, cancellation).ConfigureAwait(false);
        await AnnounceAsync(new ConfigChanged { Kind = kind.Name, Name = name, Deleted = true, Node = node.NodeName }, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Stores <paramref name="puts"/> and deletes <paramref name="deletes"/> in one transaction: all or nothing. The
    /// caller has checked them together (<see cref="ConfigRules.For"/>). Then each is applied here and announced,
    /// in the order given.
    /// </summary>
    public async Task ApplyBatchAsync(IReadOnlyList<IConfigObject> puts, IReadOnlyList<(string Kind, string Name)> deletes, CancellationToken cancellation)
    {
        using var batch = view.Batch(); // what rebuilds from a whole kind does so once, when the batch is applied
        await using (var session = store.LightweightSession())
        {
            foreach (var value in puts) kinds.Of(value.GetType()).Store(session, value);
            foreach (var (kind, name) in deletes)
                if (kinds.TryGet(kind, out var k)) k.Delete(session, name);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        foreach (var value in puts)
        {
            var kind = ConfigKinds.NameOf(value.GetType());
            view.Put(kind, value);
            await ApplyAsync(kind, value.Name, cancellation).ConfigureAwait(false);
            await AnnounceAsync(new ConfigChanged { Kind = kind, Name = value.Name, Node = node.NodeName }, cancellation).ConfigureAwait(false);
        }
        foreach (var (kind, name) in deletes)
        {
            view.Remove(kind, name);
            await ApplyAsync(kind, name, cancellation).ConfigureAwait(false);
            await AnnounceAsync(new ConfigChanged { Kind = kind, Name = name, Deleted = true, Node = node.NodeName }, cancellation).ConfigureAwait(false);
        }
    }

    // What a change sets going beyond the view (the scheduler's store) is done before the caller hears "saved".
    private async Task ApplyAsync(string kind, string name, CancellationToken cancellation)
    {
        foreach (var applier in appliers)
        {
            try
            {
                await applier.ApplyAsync(kind, name, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Error(e, "{Kind} {Name}: committed, but applying it failed; it is applied again when a node starts or it changes", kind, name);
            }
        }
    }

    private async Task AnnounceAsync(ConfigChanged change, CancellationToken cancellation)
    {
        _log.Information("{Kind} {Name} {Action}", change.Kind, change.Name, change.Deleted ? "deleted" : "saved");
        try
        {
            await backbone.AnnounceAsync(change, cancellation).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The change is committed; other nodes pick it up at their next resync.
            _log.Warning(e, "{Kind} {Name}: committed, but the announcement failed; other nodes apply it at their next resync", change.Kind, change.Name);
        }
    }
}
