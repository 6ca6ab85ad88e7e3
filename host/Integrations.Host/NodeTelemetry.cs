using Integrations.Bus.Node;
using Integrations.Bus.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Integrations.Host;

/// <summary>
/// OpenTelemetry for a node, configured like any .NET application's: the metrics of <see cref="EsbTelemetry"/> and of
/// the runtime, scraped at <c>/metrics</c> on the admin port; traces and metrics sent over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_*</c> variables).
/// </summary>
public static class NodeTelemetry
{
    /// <summary>Where Prometheus scrapes a node, on the admin port.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The variables OpenTelemetry reads, kept when the node clears the rest of its configuration.</summary>
    private const string Prefix = "OTEL_";

    /// <summary>Whether an OTLP collector is configured (so spans are made and sent at all).</summary>
    public static bool Exporting(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Adds the node's meters and, for an OTLP collector, its spans; <paramref name="scrape"/>: serve <c>/metrics</c>.</summary>
    public static void AddNodeTelemetry(this IServiceCollection services, ConfigurationManager configuration, NodeOptions options, bool scrape)
    {
        // OpenTelemetry reads its standard variables from the configuration, which a node otherwise keeps to its own options.
        configuration.AddInMemoryCollection(System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(name => new KeyValuePair<string, string?>(name, System.Environment.GetEnvironmentVariable(name))));
        var otlp = Exporting(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "integrations",
                serviceVersion: EsbTelemetry.Source.Version, serviceInstanceId: options.NodeName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EsbTelemetry.Name, "System.Runtime");
                if (scrape) metrics.AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        if (otlp) telemetry.WithTracing(tracing => tracing.AddSource(EsbTelemetry.Name).AddOtlpExporter());
    }

    /// <summary>Serves the metrics in Prometheus's text format at <see cref="MetricsPath"/>, without a login (as the health endpoints).</summary>
    public static void MapMetrics(this WebApplication app) => app.MapPrometheusScrapingEndpoint(MetricsPath);
}
