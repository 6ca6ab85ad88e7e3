using System.Collections.Concurrent;
using Integrations.Bus.Node;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Deployment;

/// <summary>
/// Deploys any <c>.cs</c> file written or changed in the node's pickup folder (<c>pickup/services/</c> by default),
/// as <c>esb deploy</c> would; the outcome, compile errors included, goes to the log.
/// </summary>
public sealed class PickupFolder(Deployments deployments, NodeOptions options, ILogger log) : IHostedService, IDisposable
{
    private readonly ILogger _log = log.ForContext("SourceContext", "pickup");
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.PickupDirectory is not { } folder) return Task.CompletedTask;
        Directory.CreateDirectory(folder);
        _watcher = new FileSystemWatcher(folder, "*.cs") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        _watcher.Created += (_, e) => Schedule(e.FullPath);
        _watcher.Changed += (_, e) => Schedule(e.FullPath);
        _watcher.Renamed += (_, e) => Schedule(e.FullPath);
        _watcher.EnableRaisingEvents = true;
        _log.Information("Watching {Folder} for services to deploy", Path.GetFullPath(folder));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        return Task.CompletedTask;
    }

    // Editors write a file in several steps: deploy once it has been quiet for a moment.
    private void Schedule(string path)
    {
        var quiet = new CancellationTokenSource();
        if (_pending.TryGetValue(path, out var earlier)) earlier.Cancel();
        _pending[path] = quiet;
        _ = Task.Delay(TimeSpan.FromMilliseconds(300), quiet.Token).ContinueWith(t =>
        {
            if (!t.IsCanceled) _ = DeployAsync(path);
        }, TaskScheduler.Default);
    }

    private async Task DeployAsync(string path)
    {
        var name = Path.GetFileName(path);
        try
        {
            var source = await File.ReadAllTextAsync(path).ConfigureAwait(false);
            var deployment = await deployments.DeployAsync([new SourceFile(name, source)], "pickup", CancellationToken.None).ConfigureAwait(false);
            _log.Information("Deployed {File} from the pickup folder as version {Version}: {Services}", name, deployment.Version, string.Join(", ", deployment.Services));
        }
        catch (DeploymentRejectedException e)
        {
            _log.Warning("{File} from the pickup folder was not deployed: {Reason} {Errors}", name, e.Message, string.Join(" | ", e.Errors));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("{File} in the pickup folder could not be read: {Reason}", name, e.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _watcher?.Dispose();
}
