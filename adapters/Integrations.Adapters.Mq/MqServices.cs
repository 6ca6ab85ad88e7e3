using Integrations.Bus.Node;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Mq;

/// <summary>Registers MQ over AMQP 1.0: connections to brokers, outgoing MQ connections, and on an edge node MQ channels.</summary>
public static class MqServices
{
    /// <summary>Adds the AMQP 1.0 transport's connections, its outgoing side, and (edge role) its channels.</summary>
    public static IServiceCollection AddMq(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<MqBrokers>();
        services.AddSingleton<MqOutgoing>();
        if (options.Roles.HasFlag(NodeRoles.Edge)) services.AddHostedService<MqChannels>();
        return services;
    }
}
