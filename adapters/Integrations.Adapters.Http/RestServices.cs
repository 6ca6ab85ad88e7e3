using Integrations.Bus.Edge;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Http;

/// <summary>Registers REST: outgoing REST connections (the HTTP pool, OAuth tokens) and the channel port's REST channels.</summary>
public static class RestServices
{
    /// <summary>Adds the REST transport's outgoing side and its channels (served on an edge node's channel port).</summary>
    public static IServiceCollection AddRest(this IServiceCollection services)
    {
        services.AddSingleton<HttpPool>();
        services.AddSingleton<OAuthTokens>();
        services.AddSingleton<RestConnections>();
        services.AddSingleton<ChannelGateway>();
        services.AddSingleton<RestChannelTable>();
        services.AddSingleton<IChannelRoutes>(sp => sp.GetRequiredService<RestChannelTable>());
        return services;
    }
}
