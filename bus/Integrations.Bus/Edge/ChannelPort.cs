using Integrations.Bus.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        // A builder of its own, so the admin port's routes (the dashboard's, the admin API's) are never matched here;
        // and routing services of its own, so the table is not also among the process's endpoints, which the admin
        // port's routing watches: there, every channel change rebuilt all the admin port's endpoints, a cost growing
        // with the channels. Requests keep the node's services (the host sets them per request).
        var routing = new ServiceCollection()
            .AddSingleton(app.ApplicationServices.GetRequiredService<ILoggerFactory>())
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton(app.ApplicationServices.GetRequiredService<System.Diagnostics.DiagnosticListener>())
            .AddRouting()
            .BuildServiceProvider();
        var endpoints = app.ApplicationServices.GetRequiredService<ChannelPortEndpoints>();
        var channel = new ApplicationBuilder(routing);
        channel.UseWebSockets();
        channel.UseRouting();
        channel.UseEndpoints(routes => routes.DataSources.Add(endpoints));
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
