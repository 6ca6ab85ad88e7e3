using Integrations.Adapters.Http;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The OpenAPI documents on the admin port, readable without a login: the admin API's own
/// (<c>/openapi/admin.json</c>, made by ASP.NET Core from its routes), the REST channels' (<c>/openapi/channels.json</c>,
/// the one the channel port serves as <c>/esb/openapi.json</c>), and a browsable reference of both at <c>/scalar</c>.
/// </summary>
public static class AdminDocuments
{
    /// <summary>Where the admin API's document is.</summary>
    public const string AdminPath = "/openapi/admin.json";
    /// <summary>Where the REST channels' document is.</summary>
    public const string ChannelsPath = "/openapi/channels.json";
    /// <summary>The browsable reference.</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>Registers the admin API's document.</summary>
    public static IServiceCollection AddAdminDocuments(this IServiceCollection services) =>
        services.AddOpenApi("admin", options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.ShouldInclude = description => description.RelativePath?.StartsWith("admin/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Integrations: admin API",
                    Version = typeof(AdminDocuments).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                    Description = "Configuration, deployments, services, logs and the scheduler of the cluster, behind the admin user's Basic Auth. Errors are {\"error\", \"status\", \"cid\"}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["admin"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "The admin user (admin) and its password: ESB_ADMIN_PASSWORD, or the data directory's admin-password file.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("admin", document)] = [] }];
                return Task.CompletedTask;
            });
        });

    /// <summary>Maps the documents and the reference on the admin port.</summary>
    public static IEndpointRouteBuilder MapAdminDocuments(this IEndpointRouteBuilder routes, NodeOptions node)
    {
        routes.MapOpenApi("/openapi/{documentName}.json");
        routes.MapGet(ChannelsPath, (HttpContext http, RestChannelDocument channels) => channels.WriteAsync(http, ChannelServer(http, node)))
            .ExcludeFromDescription();
        routes.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("Integrations")
            // Nothing from the internet and nothing to it: no web fonts, no telemetry, no hosted AI agent or MCP server,
            // no hosted developer tools. The page is the node's own, and works where no internet is.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .AddDocument("channels", "REST channels", ChannelsPath, isDefault: true)
            .AddDocument("admin", "Admin API", AdminPath));
        return routes;
    }

    // The channel port as this caller reaches the admin port: the same host, the channel port's scheme and port.
    private static string ChannelServer(HttpContext http, NodeOptions node)
    {
        var channels = new Uri(node.ChannelsUrl);
        return $"{channels.Scheme}://{http.Request.Host.Host}:{channels.Port}";
    }
}
