using Integrations.Bus.Node;
using Integrations.Config;
using Marten;
using MassTransit;
using Serilog;

namespace Integrations.Bus.Config;

/// <summary>
/// Changes configuration: commits to Marten, applies the change to this node, then announces it on the bus
/// (<see cref="ConfigChanged"/>) so every other node applies it too, without a restart.
/// </summary>
public sealed class ConfigStore(IDocumentStore store, IPublishEndpoint bus, ConfigView view, NodeOptions node, ILogger log)
{
    private readonly ILogger _log = log.ForContext("SourceContext", "config");

    /// <summary>Creates or replaces <paramref name="value"/>.</summary>
    public async Task SaveAsync<T>(T value, CancellationToken cancellation = default) where T : class, IConfigObject
    {
        if (string.IsNullOrWhiteSpace(value.Name)) throw new ArgumentException($"{ConfigKinds.NameOf(typeof(T))}: name is required");
        await using (var session = store.LightweightSession())
        {
            session.Store(value);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        var kind = ConfigKinds.NameOf(typeof(T));
        view.Put(kind, value);
        await AnnounceAsync(new ConfigChanged { Kind = kind, Name = value.Name, Node = node.NodeName }, cancellation).ConfigureAwait(false);
    }

    /// <summary>Deletes the object of type <typeparamref name="T"/> named <paramref name="name"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync<T>(string name, CancellationToken cancellation = default) where T : class, IConfigObject
    {
        await using (var session = store.LightweightSession())
        {
            if (await session.LoadAsync<T>(name, cancellation).ConfigureAwait(false) is null) return false;
            session.Delete<T>(name);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        var kind = ConfigKinds.NameOf(typeof(T));
        view.Remove(kind, name);
        await AnnounceAsync(new ConfigChanged { Kind = kind, Name = name, Deleted = true, Node = node.NodeName }, cancellation).ConfigureAwait(false);
        return true;
    }

    private async Task AnnounceAsync(ConfigChanged change, CancellationToken cancellation)
    {
        _log.Information("{Kind} {Name} {Action}", change.Kind, change.Name, change.Deleted ? "deleted" : "saved");
        try
        {
            await bus.Publish(change, cancellation).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The change is committed; other nodes pick it up at their next resync.
            _log.Warning(e, "{Kind} {Name}: committed, but the announcement failed; other nodes apply it at their next resync", change.Kind, change.Name);
        }
    }
}
