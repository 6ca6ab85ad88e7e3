using Integrations.Bus.Node;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Config.Environment;

/// <summary>
/// <c>esb serve --import FILE</c>: applies a YAML environment file before the node reports itself started (a file
/// that cannot be applied stops the start, saying why), then again whenever the file changes (then a bad file is
/// logged and the node keeps what it has). For container deployments that mount their environment.
/// </summary>
public sealed class EnvironmentFileWatcher(EnvironmentImport import, NodeOptions options, ILogger log) : BackgroundService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "config");
    private readonly SemaphoreSlim _changed = new(0);
    private FileSystemWatcher? _watcher;

    private string Path => System.IO.Path.GetFullPath(options.ImportFile!);

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = await ApplyAsync(cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
            throw new InvalidOperationException($"--import {options.ImportFile}: nothing was applied:{System.Environment.NewLine}" + string.Join(System.Environment.NewLine, problems));
        _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => _changed.Release();
        _watcher.Created += (_, _) => _changed.Release();
        _watcher.Renamed += (_, _) => _changed.Release();
        _watcher.EnableRaisingEvents = true;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                // An editor writes a file in several steps: wait for it to settle.
                await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken).ConfigureAwait(false);
                while (_changed.CurrentCount > 0) await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    foreach (var problem in await ApplyAsync(stoppingToken).ConfigureAwait(false)) _log.Error("{Problem}", problem);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.Error(e, "--import {File}: could not be applied; the node keeps what it has", options.ImportFile);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    // The problems, each FILE:LINE:COLUMN: message; none when the file was applied.
    private async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellation)
    {
        var file = EnvironmentYaml.Read(Path, System.Environment.GetEnvironmentVariable);
        if (file.Content is not { } content) return file.Errors;
        var changes = await import.ApplyAsync(content, replace: false, dryRun: false, $"--import {options.ImportFile}", cancellation).ConfigureAwait(false);
        if (!changes.Ok) return [.. changes.Errors.Select(file.Locate)];
        _log.Information("--import {File}: {Created} created, {Changed} changed, {Unchanged} unchanged, {Deployed} services deployed",
            options.ImportFile, changes.Created.Count, changes.Changed.Count, changes.Unchanged, changes.Deployed.Count);
        return [];
    }
}
