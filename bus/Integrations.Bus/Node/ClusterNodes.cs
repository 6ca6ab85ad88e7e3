using System.Collections.Concurrent;
using System.Text.Json;
using Integrations.Admin;
using Integrations.Bus.Backbone;
using Integrations.Bus.Services;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Node;

/// <summary>
/// The nodes of the cluster, from their heartbeats: every node announces itself over the bus every
/// <see cref="NodeOptions.HeartbeatInterval"/> (name, roles, version, start, services, calls) and once more as it
/// stops, and keeps what it hears from the nodes of its schema. A node silent for three intervals is shown as gone;
/// one gone or stopped for an hour is forgotten. Nothing beyond RabbitMQ: no table, no server.
/// </summary>
public sealed class ClusterNodes(RabbitBackbone backbone, Broadcasts broadcasts, ServiceCatalog catalog, ServiceRuntime runtime, NodeOptions options, ILogger log)
    : BackgroundService
{
    private static readonly TimeSpan Forgotten = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Heard> _nodes = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "cluster");
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private static readonly string Version = typeof(ClusterNodes).Assembly.GetName().Version?.ToString(3) ?? "";

    private sealed record Heard(NodeHeartbeat Last, DateTimeOffset HeardAt, double CallsPerSecond);

    /// <summary>The nodes heard, this one first, then by name.</summary>
    public IReadOnlyList<NodeInfo> All()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, heard) in _nodes)
            if (now - heard.HeardAt > Forgotten && name != options.NodeName) _nodes.TryRemove(name, out _);
        return [.. _nodes.Values.Select(h => Info(h, now)).OrderByDescending(n => n.Self).ThenBy(n => n.Name, StringComparer.Ordinal)];
    }

    private NodeInfo Info(Heard heard, DateTimeOffset now)
    {
        var beat = heard.Last;
        var silentFor = TimeSpan.FromSeconds(3 * Math.Max(beat.IntervalSeconds, 0.1));
        var state = beat.Stopping ? "stopped" : now - heard.HeardAt > silentFor ? "gone" : "up";
        return new NodeInfo(beat.Node, state, beat.Roles, beat.Version, beat.Started, heard.HeardAt, beat.Services, beat.Calls, beat.Errors,
            state == "up" ? Math.Round(heard.CallsPerSecond, 2) : 0, beat.Node == options.NodeName);
    }

    /// <summary>This node's heartbeat now.</summary>
    public NodeHeartbeat Beat(bool stopping = false)
    {
        var (calls, errors) = runtime.Stats.Totals;
        return new NodeHeartbeat
        {
            Node = options.NodeName, Schema = options.Schema, Roles = options.Roles.ToString().ToLowerInvariant(), Version = Version, Started = _started,
            At = DateTimeOffset.UtcNow, Services = [.. catalog.All.Select(s => s.Name).Order(StringComparer.Ordinal)], Calls = calls, Errors = errors,
            IntervalSeconds = options.HeartbeatInterval.TotalSeconds, Stopping = stopping,
        };
    }

    /// <summary>Keeps a heartbeat heard: from a node of this cluster only.</summary>
    public void Hear(NodeHeartbeat beat)
    {
        if (beat.Schema != options.Schema || beat.Node.Length == 0) return;
        var now = DateTimeOffset.UtcNow;
        _nodes.AddOrUpdate(beat.Node, _ => new Heard(beat, now, 0), (_, before) =>
        {
            var seconds = (beat.At - before.Last.At).TotalSeconds;
            // A node started again counts from zero: no rate across its restart.
            var rate = seconds > 0 && beat.Started == before.Last.Started && beat.Calls >= before.Last.Calls ? (beat.Calls - before.Last.Calls) / seconds : 0;
            return new Heard(beat, now, rate);
        });
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await broadcasts.On(Broadcasts.Events, nameof(NodeHeartbeat), fromItself: false, (message, _) =>
        {
            Hear(JsonSerializer.Deserialize<NodeHeartbeat>(message.Body.Span) ?? throw new JsonException("an empty heartbeat"));
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
            var beat = Beat();
            Hear(beat);
            try
            {
                await backbone.AnnounceAsync(beat, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Debug("The heartbeat could not be sent ({Reason}); the next one is due in {Seconds:0.#} s", e.Message, options.HeartbeatInterval.TotalSeconds);
            }
            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) break;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        while (true);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // The others see it stopped at once, rather than gone after three silent intervals.
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(TimeSpan.FromSeconds(2));
            await backbone.AnnounceAsync(Beat(stopping: true), bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug("The last heartbeat could not be sent ({Reason})", e.Message);
        }
    }
}
