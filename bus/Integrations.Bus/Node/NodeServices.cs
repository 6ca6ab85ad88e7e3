using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Deployment;
using Integrations.Bus.Edge;
using Integrations.Bus.Security;
using Integrations.Bus.Services;
using JasperFx;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Bus.Node;

/// <summary>
/// Registers a node's platform parts: backbone, service registry and runtime, config store, deployments, logging.
/// The adapters (channels and connections of each transport, pub/sub, the scheduler) register themselves, and the
/// node host puts them together.
/// </summary>
public static class NodeServices
{
    /// <summary>Adds everything a node runs besides its HTTP surfaces.</summary>
    public static IServiceCollection AddEsbNode(this IServiceCollection services, NodeOptions options, ILogger log)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(log);
        services.AddSerilog(log, dispose: false);
        // First of all (see StartWithWaitingForServers), then: a node with the wrong key must refuse before it connects to the broker or serves anything.
        services.AddHostedService<SecretKeyGuard>();

        var catalog = new ServiceCatalog();
        foreach (var assembly in options.ServiceAssemblies.Distinct()) catalog.AddAssembly(assembly, "built-in");
        services.AddSingleton(catalog);
        services.AddSingleton<ServiceDirectory>();
        services.AddSingleton<Telemetry.Hops>();
        services.AddSingleton<ServiceRuntime>();
        services.AddSingleton<IServiceRuntime>(sp => sp.GetRequiredService<ServiceRuntime>());
        services.AddSingleton<ServiceClient>();
        services.AddSingleton<Pushes>();
        services.AddSingleton<RabbitBackbone>();
        services.AddHostedService(sp => sp.GetRequiredService<RabbitBackbone>());
        services.AddSingleton<SecretBox>();
        services.AddSingleton<SecurityDefinitions>();
        services.AddSingleton<CallerSecurity>();

        AddConfigStore(services, options);
        AddBackbone(services);
        services.AddSingleton<Deployments>();
        services.AddHostedService(sp => sp.GetRequiredService<Deployments>());
        services.AddHostedService<PickupFolder>();
        if (options.Roles.HasFlag(NodeRoles.Worker)) services.AddHostedService<ServiceQueues>();
        AddFailedMessages(services, options);
        return services;
    }

    /// <summary>
    /// Applies the node's environment file (<see cref="NodeOptions.ImportFile"/>) at start and when it changes; added
    /// last, once every adapter is, since the file may deploy services, open channels and schedule jobs.
    /// </summary>
    public static IServiceCollection AddEnvironmentFile(this IServiceCollection services, NodeOptions options)
    {
        if (options.ImportFile is not null) services.AddHostedService<Config.Environment.EnvironmentFileWatcher>();
        return services;
    }

    /// <summary>
    /// Makes waiting until PostgreSQL and RabbitMQ answer the first thing the node's start does, before any part that
    /// uses them (some libraries put their own start first); called once everything is added.
    /// </summary>
    public static IServiceCollection StartWithWaitingForServers(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, WaitingForServers>());
        return services;
    }

    private static void AddConfigStore(IServiceCollection services, NodeOptions options)
    {
        var kinds = ConfigKinds.Product();
        services.AddSingleton(kinds);
        services.AddSingleton<ConfigView>();
        services.AddSingleton<ConfigStore>();
        services.AddSingleton<ConfigRules>();
        services.AddSingleton<Config.Environment.EnvironmentImport>();
        services.AddSingleton<Config.Environment.EnvironmentExport>();
        services.AddNodeHealth();
        services.AddSingleton<NodeEndpoints>();
        services.AddSingleton<IChannelRoutes>(sp => sp.GetRequiredService<NodeEndpoints>());
        services.AddSingleton<ChannelPortEndpoints>();
        services.AddSingleton<ConfigSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigSync>());
        services.AddMarten(marten =>
            {
                marten.Connection(options.Postgres);
                marten.DatabaseSchemaName = options.Schema;
                marten.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                marten.UseSystemTextJsonForSerialization();
                foreach (var kind in kinds.All) kind.Configure(marten);
                marten.RegisterDocumentType<SecretKeyRecord>();
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
    }

    // Every node can look at failed messages and send them back; workers take them from the dead-letter queues.
    private static void AddFailedMessages(IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<Failed.IDeadLetterPlaces, Failed.ServiceDeadLetters>();
        services.AddSingleton<Failed.DeadLetterPlaces>();
        services.AddSingleton<Failed.FailedMessages>();
        services.AddHostedService(sp => sp.GetRequiredService<Failed.FailedMessages>());
        if (options.Roles.HasFlag(NodeRoles.Worker)) services.AddHostedService<Failed.FailedMessageIngest>();
        services.ConfigureMarten(marten => marten.Schema.For<Failed.FailedMessage>().Identity(m => m.Id).UseOptimisticConcurrency(true)
            .Index(m => m.State).Index(m => m.Group).Index(m => m.Service).Index(m => m.Channel).Index(m => m.Cid).Index(m => m.LastFailed));
    }

    // The cluster's events and pushes go over the backbone's own connection.
    private static void AddBackbone(IServiceCollection services)
    {
        services.AddSingleton<Broadcasts>();
        services.AddHostedService(sp => sp.GetRequiredService<Broadcasts>());
        services.AddSingleton<ClusterNodes>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterNodes>());
        services.AddSingleton<ClusterQuestions>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterQuestions>());
        services.AddSingleton<Telemetry.ClusterHops>();
        services.AddHostedService(sp => sp.GetRequiredService<Telemetry.ClusterHops>());
    }
}
