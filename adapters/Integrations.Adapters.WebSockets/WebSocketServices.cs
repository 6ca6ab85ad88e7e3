using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.WebSockets;

/// <summary>Registers WebSocket channels on an edge node.</summary>
public static class WebSocketServices
{
    /// <summary>Adds WebSocket channels and the delivery of pushes to this node's clients (edge role).</summary>
    public static IServiceCollection AddWebSockets(this IServiceCollection services, NodeOptions options)
    {
        if (!options.Roles.HasFlag(NodeRoles.Edge)) return services;
        services.AddSingleton<WebSocketChannels>();
        services.AddHostedService(sp => sp.GetRequiredService<WebSocketChannels>());
        services.AddSingleton<IChannelRoutes>(sp => sp.GetRequiredService<WebSocketChannels>());
        return services;
    }
}
