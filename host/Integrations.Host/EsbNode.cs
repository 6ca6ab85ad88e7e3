using Integrations.Adapters.Admin;
using Integrations.Adapters.Amqp;
using Integrations.Adapters.Dashboard;
using Integrations.Adapters.Mq;
using Integrations.Adapters.WebSockets;
using Integrations.Adapters.Http;
using Integrations.Adapters.PubSub;
using Integrations.Adapters.Scheduler;
using Integrations.Bus.Edge;
using Integrations.Bus.Logging;
using Integrations.DemoSystems;
using Integrations.Bus.Node;
using Integrations.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Integrations.Runtime;

namespace Integrations.Host;

/// <summary>
/// Puts a node together: the platform, the adapters (REST, AMQP, MQ, WebSockets, pub/sub, the scheduler), the shipped
/// services, and the HTTP surfaces its roles call for.
/// </summary>
public static class EsbNode
{
    /// <summary>Builds a node; start it with <c>StartAsync</c> or <c>RunAsync</c>.</summary>
    public static WebApplication Build(NodeOptions options)
    {
        options.ServiceAssemblies.Insert(0, ShippedServices.Assembly);
        options.Validate();
        var channels = new Uri(options.ChannelsUrl);
        var admin = new Uri(options.AdminUrl);
        var edge = options.Roles.HasFlag(NodeRoles.Edge);
        var dashboard = options.Roles.HasFlag(NodeRoles.Dashboard);
        if (edge && dashboard && channels.Port == admin.Port)
            throw new ArgumentException($"--channels-url and --admin-url must use different ports (both use {channels.Port})");

        // Before anything starts: a certificate that cannot be read stops the node naming its setting.
        var tls = NodeTls.Load(options);
        Serilog.Core.Logger logger;
        try
        {
            logger = EsbLogging.Create(options);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
        // Named "esb" whatever the process (tests host nodes too): the static assets are found by that name.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, ApplicationName = "esb" });
        builder.Logging.ClearProviders();
        // A node is configured by its options alone (esb serve reads appsettings.json and ESB_* into them): no file watcher, no ASPNETCORE_* variables; OpenTelemetry adds its OTEL_* ones.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        var urls = new List<string>();
        if (edge) urls.Add(options.ChannelsUrl);
        if (dashboard) urls.Add(options.AdminUrl);
        builder.WebHost.UseUrls([.. urls]);
        // The slim builder leaves https:// addresses out unless asked.
        if (tls.Channels is not null || tls.Admin is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            RequestLimits.Configure(k);
            // Each https:// port its own certificate, told apart by the port a connection came in on.
            if (tls.Channels is not null || tls.Admin is not null)
                k.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (connection, _) =>
                    connection?.LocalEndPoint is System.Net.IPEndPoint { Port: var port }
                        ? port == admin.Port && tls.Admin is not null ? tls.Admin : tls.Channels ?? tls.Admin
                        : tls.Channels ?? tls.Admin);
        });
        // The dashboard's scripts and styles: from the packages and projects they come from when run from a build
        // (the runtime manifest beside the assemblies), from wwwroot when published.
        if (dashboard) builder.WebHost.UseStaticWebAssets();

        builder.Services.AddSingleton(tls);
        builder.Services.AddEsbNode(options, logger)
            .AddRest()
            .AddAmqp(options)
            .AddMq(options)
            .AddWebSockets(options)
            .AddPubSub(options)
            .AddScheduler(options)
            .AddSingleton<IOutgoingConnections, OutgoingConnections>();
        if (options.Demo)
            foreach (var (method, path, handle) in TutorialSystems.Endpoints)
                builder.Services.AddSingleton(new NodeEndpoint(method, path, handle));
        if (dashboard) builder.Services.AddAdminApi().AddDashboard();
        builder.Services.AddNodeTelemetry(builder.Configuration, options, scrape: dashboard);
        // Last: the environment file may deploy services, open channels and schedule jobs.
        builder.Services.AddEnvironmentFile(options)
            .StartWithWaitingForServers();

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(logger.Dispose);
        app.Lifetime.ApplicationStopped.Register(tls.Dispose);
        app.Use(RequestLimits.Middleware(logger));
        if (edge) app.MapChannelPort(channels.Port);
        if (dashboard)
        {
            // Browsers that saw the dashboard over https:// come back over https:// only (not on localhost: a developer's
            // other local sites stay reachable over http://).
            if (tls.Admin is not null) app.UseHsts();
            // Here, not first: requests on the channel port never go through the admin port's routing.
            app.UseRouting();
            // For probes: no login.
            app.MapGet(NodeHealth.LivePath, (HttpContext http) => NodeHealth.AnswerAsync(http, ready: false, Cid.New()));
            app.MapGet(NodeHealth.ReadyPath, (HttpContext http) => NodeHealth.AnswerAsync(http, ready: true, Cid.New()));
            app.MapMetrics();
            app.MapAdminApi();
            app.MapAdminDocuments(options);
            app.MapDashboard();
            // Build the routing table (the dashboard's pages are discovered then) while the node starts, not on the first request.
            app.Lifetime.ApplicationStarted.Register(() =>
                _ = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.Count);
        }
        return app;
    }
}
