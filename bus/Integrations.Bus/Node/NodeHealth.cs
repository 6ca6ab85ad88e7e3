using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Integrations.Bus.Node;

/// <summary>
/// The node's health, as ASP.NET Core health checks, for load balancers and orchestrators: <c>GET /health/live</c>
/// (the process answers) and <c>GET /health/ready</c> (connected to RabbitMQ, PostgreSQL answering, the configuration
/// loaded), served on the channel port and the admin port alike. The answer is JSON with each check's state; 503 when
/// one fails, 200 again when it passes.
/// </summary>
public static class NodeHealth
{
    /// <summary>The liveness path.</summary>
    public const string LivePath = "/health/live";

    /// <summary>The readiness path.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>The check that the node is connected to RabbitMQ.</summary>
    public const string MessageBus = "message_bus";

    private const string Ready = "ready";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Registers the node's checks.</summary>
    public static IServiceCollection AddNodeHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<MessageBusCheck>(MessageBus, tags: [Ready])
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<ConfigurationCheck>("configuration", tags: [Ready]);
        return services;
    }

    /// <summary>Answers <c>/health/live</c> (<paramref name="ready"/> false: no check) or <c>/health/ready</c> (every check).</summary>
    public static async Task AnswerAsync(HttpContext http, bool ready, string cid)
    {
        var health = http.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(c => ready && c.Tags.Contains(Ready), http.RequestAborted).ConfigureAwait(false);
        var checks = new JsonObject();
        foreach (var (name, entry) in report.Entries)
            checks[name] = new JsonObject
            {
                ["status"] = Word(entry.Status),
                ["description"] = entry.Description,
                ["duration_ms"] = Math.Round(entry.Duration.TotalMilliseconds, 1),
            };
        var body = new JsonObject
        {
            ["status"] = Word(report.Status),
            ["node"] = http.RequestServices.GetRequiredService<NodeOptions>().NodeName,
            ["checks"] = checks,
            ["cid"] = cid,
        };
        var healthy = report.Status != HealthStatus.Unhealthy;
        if (!healthy) http.Response.Headers.RetryAfter = "2";
        http.Response.Headers.CacheControl = "no-store";
        await HttpAnswers.WriteJsonAsync(http, healthy ? 200 : 503, cid, body.ToJsonString(Json)).ConfigureAwait(false);
    }

    /// <summary>Whether the check named <paramref name="check"/> passes now.</summary>
    public static async Task<bool> PassesAsync(HttpContext http, string check)
    {
        var health = http.RequestServices.GetRequiredService<HealthCheckService>();
        return (await health.CheckHealthAsync(c => c.Name == check, http.RequestAborted).ConfigureAwait(false)).Status == HealthStatus.Healthy;
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>Connected to RabbitMQ, the backbone.</summary>
    private sealed class MessageBusCheck(Backbone.RabbitBackbone backbone, NodeOptions options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(backbone.IsConnected
                ? HealthCheckResult.Healthy($"connected to {ServerAddress.RabbitMq(options.RabbitMq)}")
                : HealthCheckResult.Unhealthy($"{ServerAddress.RabbitMq(options.RabbitMq)} is not reachable right now; the node connects again by itself"));
    }

    /// <summary>PostgreSQL, the configuration's store, answers a query within two seconds.</summary>
    private sealed class DatabaseCheck(NodeOptions options) : IHealthCheck
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var where = ServerAddress.Postgres(options.Postgres);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Limit);
            try
            {
                await using var connection = new NpgsqlConnection(options.Postgres);
                await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("select 1", connection);
                await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                return HealthCheckResult.Healthy($"{where} answers");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{where} did not answer within {Limit.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"{where} is not reachable: {e.Message}");
            }
        }
    }

    /// <summary>The configuration was read from the store, and when it was last re-read.</summary>
    private sealed class ConfigurationCheck(ConfigSync sync, ConfigView view) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(sync.LastRead is { } read
                ? HealthCheckResult.Healthy($"{view.Count} objects, last read {read:yyyy-MM-dd HH:mm:ss} UTC")
                : HealthCheckResult.Unhealthy("the configuration has not been read from the database yet"));
    }
}
