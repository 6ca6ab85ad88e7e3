using Integrations.Bus.Edge;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Adapters.Http;

/// <summary>Registers REST: outgoing REST connections (the HTTP pool, OAuth tokens) the channel port's REST channels and their OpenAPI document.</summary>
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
        services.AddSingleton<RestChannelDocument>();
        services.AddSingleton(sp => new NodeEndpoint("GET", RestChannelDocument.Path,
            http => sp.GetRequiredService<RestChannelDocument>().WriteAsync(http, $"{http.Request.Scheme}://{http.Request.Host}")));
        return services;
    }
}
