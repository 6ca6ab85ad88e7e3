using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Deployment;
using Integrations.Bus.Edge;
using Integrations.Bus.Outgoing;
using Integrations.Bus.Transports.Amqp;
using Integrations.Bus.Transports.Mq;
using Integrations.Bus.Scheduling;
using Integrations.Bus.Security;
using Integrations.Bus.Services;
using JasperFx;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Node;

/// <summary>Registers a node's platform parts: backbone, service registry and runtime, config store, logging.</summary>
public static class NodeServices
{
    /// <summary>Adds everything a node runs besides its HTTP surfaces.</summary>
    public static IServiceCollection AddEsbNode(this IServiceCollection services, NodeOptions options, ILogger log)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(log);
        services.AddSerilog(log, dispose: false);
        // First of all: a node with the wrong key must refuse before it connects to the broker or serves anything.
        services.AddHostedService<SecretKeyGuard>();

        var catalog = new ServiceCatalog();
        foreach (var assembly in options.ServiceAssemblies.Distinct()) catalog.AddAssembly(assembly, "built-in");
        services.AddSingleton(catalog);
        services.AddSingleton<ServiceDirectory>();
        services.AddSingleton<ServiceRuntime>();
        services.AddSingleton<IServiceRuntime>(sp => sp.GetRequiredService<ServiceRuntime>());
        services.AddSingleton<ServiceClient>();
        services.AddSingleton<Pushes>();
        services.AddSingleton<PubSub.Topics>();
        services.AddSingleton<IConfigApplier>(sp => sp.GetRequiredService<PubSub.Topics>());
        services.AddSingleton<RabbitBackbone>();
        services.AddHostedService(sp => sp.GetRequiredService<RabbitBackbone>());
        services.AddSingleton<SecretBox>();
        services.AddSingleton<SecurityDefinitions>();
        services.AddSingleton<CallerSecurity>();
        services.AddSingleton<HttpPool>();
        services.AddSingleton<OAuthTokens>();
        services.AddSingleton<RestConnections>();
        services.AddSingleton<AmqpBrokers>();
        services.AddSingleton<AmqpOutgoing>();
        services.AddSingleton<MqBrokers>();
        services.AddSingleton<MqOutgoing>();
        services.AddSingleton<IOutgoingConnections, OutgoingConnections>();

        AddConfigStore(services, options);
        AddBackbone(services, options);
        services.AddSingleton<Deployments>();
        services.AddHostedService(sp => sp.GetRequiredService<Deployments>());
        services.AddHostedService<PickupFolder>();
        if (options.Roles.HasFlag(NodeRoles.Worker))
        {
            services.AddHostedService<ServiceQueues>();
            services.AddHostedService<PubSub.SubscriptionDelivery>();
        }
        AddScheduler(services, options);
        // Last: the environment file may deploy services and schedule jobs.
        if (options.ImportFile is not null) services.AddHostedService<Config.Environment.EnvironmentFileWatcher>();
        return services;
    }

    // Every node may change the schedule; only nodes with the scheduler role fire it and record run outcomes.
    private static void AddScheduler(IServiceCollection services, NodeOptions options)
    {
        JobScheduler.Register(services, options);
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        services.AddSingleton<JobRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRuns>());
        services.AddSingleton<SchedulerSync>();
        services.AddSingleton<IConfigApplier>(sp => sp.GetRequiredService<SchedulerSync>());
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerSync>());
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
        services.AddSingleton<NodeEndpoints>();
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
                marten.Schema.For<JobRun>().Identity(r => r.Cid).Index(r => r.Job).Index(r => r.Fired);
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
    }

    // The cluster's events and pushes go over the backbone's own connection (Broadcasts); MassTransit is here for
    // the MassTransit applications that schedule messages through esb.scheduler.
    private static void AddBackbone(IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<Broadcasts>();
        services.AddHostedService(sp => sp.GetRequiredService<Broadcasts>());
        var broker = new Uri(options.RabbitMq);
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(30);
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            // MassTransit's message scheduler is the cluster's Quartz store: ScheduleSend and scheduled redelivery work without a broker plugin.
            bus.AddConsumer<ScheduledMessages>().Endpoint(e => e.Name = ScheduledMessages.Queue);
            bus.AddMessageScheduler(new Uri("queue:" + ScheduledMessages.Queue));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.UseMessageScheduler(new Uri("queue:" + ScheduledMessages.Queue));
                rabbit.Host(broker.Host, broker.Port > 0 ? (ushort)broker.Port : broker.Scheme == "amqps" ? (ushort)5671 : (ushort)5672, VirtualHostOf(broker), options.NodeName, h =>
                {
                    var user = broker.UserInfo.Split(':', 2);
                    h.Username(Uri.UnescapeDataString(user[0] is { Length: > 0 } u ? u : "guest"));
                    h.Password(user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
                    if (broker.Scheme == "amqps") h.UseSsl(ssl => ssl.ServerName = broker.Host);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
    }

    private static string VirtualHostOf(Uri broker)
    {
        var path = Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }
}
