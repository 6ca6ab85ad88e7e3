using Integrations.Bus.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Bus.Edge;

/// <summary>
/// The channel port (17010 by default): its own pipeline, apart from the admin port's, routed by ASP.NET Core's
/// routing over <see cref="ChannelPortEndpoints"/> — the node's own paths, topics' publishing, REST and WebSocket
/// channels. A path nothing serves is a 404 that says so.
/// </summary>
public static class ChannelPort
{
    /// <summary>Serves requests that arrive on <paramref name="port"/> with the channel port's routes, and only those.</summary>
    public static IApplicationBuilder MapChannelPort(this IApplicationBuilder app, int port)
    {
        // A builder of its own, so the admin port's routes (the dashboard's, the admin API's) are never matched here.
        var channel = new ApplicationBuilder(app.ApplicationServices);
        channel.UseWebSockets();
        channel.UseRouting();
        channel.UseEndpoints(routes => routes.DataSources.Add(app.ApplicationServices.GetRequiredService<ChannelPortEndpoints>()));
        channel.Run(NothingHereAsync);
        var pipeline = channel.Build();
        return app.MapWhen(http => http.Connection.LocalPort == port, branch => branch.Run(pipeline));
    }

    private static Task NothingHereAsync(HttpContext http)
    {
        var cid = Cid.New();
        http.Response.Headers[HttpAnswers.CidHeader] = cid;
        return HttpAnswers.WriteErrorAsync(http, 404, $"no channel matches {http.Request.Method} {http.Request.Path.Value}", cid);
    }
}
