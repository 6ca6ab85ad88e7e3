using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Scheduler;

/// <summary>Registers the scheduler: jobs in the cluster's Quartz store, their runs, and MassTransit's scheduling endpoint.</summary>
public static class SchedulerServices
{
    /// <summary>
    /// Every node may change the schedule and schedule calls; only nodes with the scheduler role fire them and record
    /// run outcomes. MassTransit applications schedule through <c>queue:esb.scheduler</c> on any node.
    /// </summary>
    public static IServiceCollection AddScheduler(this IServiceCollection services, NodeOptions options)
    {
        JobScheduler.Register(services, options);
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<ICallScheduler>(sp => sp.GetRequiredService<JobScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        services.AddSingleton<JobRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRuns>());
        services.AddHostedService<RunReports>();
        services.AddSingleton<SchedulerSync>();
        services.AddSingleton<IConfigApplier>(sp => sp.GetRequiredService<SchedulerSync>());
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerSync>());
        services.ConfigureMarten(marten => marten.Schema.For<JobRun>().Identity(r => r.Cid).Index(r => r.Job).Index(r => r.Fired));
        AddMassTransitScheduling(services, options);
        return services;
    }

    // MassTransit's message scheduler is the cluster's Quartz store: ScheduleSend and scheduled redelivery work
    // without a broker plugin. MassTransit is here for that alone.
    private static void AddMassTransitScheduling(IServiceCollection services, NodeOptions options)
    {
        var nodes = BrokerAddresses.Parse(options.RabbitMq);
        var broker = nodes[0];
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(30);
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
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
                    // A RabbitMQ cluster: MassTransit connects to one of its nodes, another when that one goes.
                    if (nodes.Count > 1) h.UseCluster(cluster =>
                    {
                        foreach (var node in nodes) cluster.Node($"{node.Host}:{(node.Port > 0 ? node.Port : 5672)}");
                    });
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
