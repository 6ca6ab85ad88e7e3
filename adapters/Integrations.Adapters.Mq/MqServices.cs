using Integrations.Bus.Node;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Mq;

/// <summary>Registers MQ over AMQP 1.0: connections to brokers, outgoing MQ connections, and on edge and worker nodes MQ channels.</summary>
public static class MqServices
{
    /// <summary>Adds the AMQP 1.0 transport's connections, its outgoing side, and (edge or worker role) its channels.</summary>
    public static IServiceCollection AddMq(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<MqBrokers>();
        services.AddSingleton<MqOutgoing>();
        services.AddSingleton<Integrations.Bus.Failed.IDeadLetterPlaces, MqDeadLetters>();
        // Edges receive and move the messages into the backbone; workers run them.
        if ((options.Roles & (NodeRoles.Edge | NodeRoles.Worker)) != 0) services.AddHostedService<MqChannels>();
        return services;
    }
}
