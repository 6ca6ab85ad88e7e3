using Integrations.Bus.Node;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Amqp;

/// <summary>Registers AMQP 0-9-1: connections to brokers, outgoing AMQP connections, and on an edge node AMQP channels.</summary>
public static class AmqpServices
{
    /// <summary>Adds the AMQP 0-9-1 transport's connections, its outgoing side, and (edge role) its channels.</summary>
    public static IServiceCollection AddAmqp(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<AmqpBrokers>();
        services.AddSingleton<AmqpOutgoing>();
        if (options.Roles.HasFlag(NodeRoles.Edge)) services.AddHostedService<AmqpChannels>();
        return services;
    }
}
