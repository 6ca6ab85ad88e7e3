using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.PubSub;

/// <summary>Registers publish/subscribe: publishing on every node, delivery of subscriptions on workers.</summary>
public static class PubSubServices
{
    /// <summary>Adds topics (publishing, over REST too, and the queues and bindings a saved subscription needs) and, on a worker, delivery.</summary>
    public static IServiceCollection AddPubSub(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<Topics>();
        services.AddSingleton<ITopicPublisher>(sp => sp.GetRequiredService<Topics>());
        services.AddSingleton<IConfigApplier>(sp => sp.GetRequiredService<Topics>());
        services.AddSingleton<IChannelRoutes, TopicPublishing>();
        services.AddSingleton<Integrations.Bus.Failed.IDeadLetterPlaces, SubscriptionDeadLetters>();
        if (options.Roles.HasFlag(NodeRoles.Worker)) services.AddHostedService<SubscriptionDelivery>();
        return services;
    }
}
