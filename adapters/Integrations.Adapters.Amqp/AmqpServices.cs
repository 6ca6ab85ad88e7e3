using Integrations.Bus.Node;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Amqp;

/// <summary>Registers AMQP 0-9-1: connections to brokers, outgoing AMQP connections, and on edge and worker nodes AMQP channels.</summary>
public static class AmqpServices
{
    /// <summary>Adds the AMQP 0-9-1 transport's connections, its outgoing side, and (edge or worker role) its channels.</summary>
    public static IServiceCollection AddAmqp(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<AmqpBrokers>();
        services.AddSingleton<AmqpOutgoing>();
        services.AddSingleton<Integrations.Bus.Failed.IDeadLetterPlaces, AmqpDeadLetters>();
        // Edges move messages of other brokers into the backbone; workers run them, and those of the backbone's own broker.
        if ((options.Roles & (NodeRoles.Edge | NodeRoles.Worker)) != 0) services.AddHostedService<AmqpChannels>();
        return services;
    }
}
