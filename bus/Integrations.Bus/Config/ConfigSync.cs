using Integrations.Bus.Node;
using Marten;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Config;

/// <summary>
/// Keeps <see cref="ConfigView"/> current: loads everything before the node serves, reloads an object when
/// another node announces its change (<see cref="ConfigChanged"/>, a broadcast), and re-reads everything now and then in case an announcement was missed.
/// </summary>
public sealed class ConfigSync(IDocumentStore store, ConfigKinds kinds, ConfigView view, Backbone.Broadcasts broadcasts, NodeOptions options, ILogger log) : BackgroundService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "config");
    private long _lastRead;

    /// <summary>When the whole configuration was last read from the store (UTC); null before the first time.</summary>
    public DateTime? LastRead => Interlocked.Read(ref _lastRead) is var ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Heard from when the backbone's broadcasts start listening, right after.
        _ = broadcasts.On<ConfigChanged>(ApplyAsync);
        await ReloadAllAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-reads one object after a change was announced.</summary>
    public async Task ApplyAsync(ConfigChanged change, CancellationToken cancellation)
    {
        if (!kinds.TryGet(change.Kind, out var kind))
        {
            _log.Warning("Ignoring a change to {Kind} {Name}: this node does not know that kind (is it older than {Node}?)", change.Kind, change.Name, change.Node);
            return;
        }
        await using var session = store.QuerySession();
        var value = await kind.LoadAsync(session, change.Name, cancellation).ConfigureAwait(false);
        if (value is null) view.Remove(kind.Name, change.Name);
        else view.Put(kind.Name, value);
        _log.Information("Applied {Kind} {Name} from {Node}", change.Kind, change.Name, change.Node);
    }

    /// <summary>Re-reads every object of every kind.</summary>
    public async Task ReloadAllAsync(CancellationToken cancellation)
    {
        // A change applied here while the snapshot was read may be newer than the snapshot: then keep what the node
        // has, and let the next resync compare again.
        var version = view.Version;
        var snapshot = new List<(string Kind, IReadOnlyList<Integrations.Config.IConfigObject> Objects)>();
        await using (var session = store.QuerySession())
            foreach (var kind in kinds.All)
                snapshot.Add((kind.Name, await kind.LoadAllAsync(session, cancellation).ConfigureAwait(false)));
        Interlocked.Exchange(ref _lastRead, DateTime.UtcNow.Ticks);
        if (view.Version != version) return;
        foreach (var (kind, objects) in snapshot) view.ReplaceAll(kind, objects);
    }

    // A node stopping (or failing to start) ends the loop quietly, not as a failed background service.
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ConfigResync);
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ReloadAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Warning(e, "Configuration resync failed; keeping what this node has");
            }
        }
    }
}
