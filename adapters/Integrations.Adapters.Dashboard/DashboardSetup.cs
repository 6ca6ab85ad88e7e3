using System.Collections.Concurrent;
using System.Security.Claims;
using Integrations.Adapters.Admin;
using Integrations.Adapters.Dashboard.Components;
using Integrations.Admin;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Serilog;

namespace Integrations.Adapters.Dashboard;

/// <summary>
/// The dashboard on the admin port: Blazor with interactive server rendering and MudBlazor, behind a login (the
/// admin user; the session in an HTTP-only, same-site cookie, secure whenever the admin port is https://; anti-forgery tokens on every form; a wrong login
/// says nothing about which part was wrong, and repeated failures from one address wait longer and longer).
/// </summary>
public static class DashboardSetup
{
    private static readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> Failures = new();

    /// <summary>Adds the dashboard's services.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "esb-session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/login";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        // Its cookie secure over https://, as the session's.
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // The dashboard reads and changes things through the node's own admin API, like the CLI, with the node's
        // internal key instead of the admin password: there is no second path to the data.
        services.AddSingleton(sp => AdminApiClient.WithInternalKey(NodeAddress.Reachable(sp.GetRequiredService<NodeOptions>().AdminUrl),
            sp.GetRequiredService<AdminCredentials>().InternalKey, TimeSpan.FromMinutes(2), sp.GetService<NodeTls>()?.Admin));
        services.AddSingleton<ConfigScreens>();
        services.AddScoped<BrowserClock>();
        // The packages' scripts and styles (MudBlazor's, Blazor's, Monaco's) come without compressed copies; they are
        // compressed when sent. Pages are not: they carry anti-forgery tokens, which compression could help guess.
        services.AddResponseCompression(compression =>
        {
            compression.MimeTypes = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"];
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        return services;
    }

    /// <summary>Maps the dashboard's pages, its login and logout.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null, assets => assets.UseResponseCompression());
        app.MapStaticAssets().Add(CacheUnversionedAssets);
        app.MapGet("/favicon.ico", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = UnversionedCacheControl;
            return Results.Bytes(Favicon, "image/x-icon");
        }).AllowAnonymous();
        app.MapPost("/account/login", LoginAsync).AllowAnonymous();
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    // Files without a fingerprint in their address (Monaco's, which its loader asks for by fixed names) are served
    // "no-cache" by default, so every page asked for them again. A day is short enough for an upgrade to reach the
    // browser, and the IDE asks for Monaco's files with the package's version in the address anyway.
    private const string UnversionedCacheControl = "public, max-age=86400";

    private static readonly byte[] Favicon = ReadFavicon();

    private static byte[] ReadFavicon()
    {
        using var stream = typeof(DashboardSetup).Assembly.GetManifestResourceStream("favicon.ico")!;
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static void CacheUnversionedAssets(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<StaticAssetDescriptor>().FirstOrDefault() is not { } asset
            || !asset.ResponseHeaders.Any(h => h.Name == "Cache-Control" && h.Value == "no-cache")
            || endpoint.RequestDelegate is not { } serve)
            return;
        endpoint.RequestDelegate = http =>
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.CacheControl = UnversionedCacheControl;
                return Task.CompletedTask;
            });
            return serve(http);
        };
    }

    private static async Task<IResult> LoginAsync(HttpContext http, AdminCredentials credentials, ILogger log)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "?";
        // Each failure from an address doubles the wait before the next answer to it, up to half a minute.
        if (Failures.TryGetValue(address, out var earlier) && earlier.Failures > 0)
        {
            var wait = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, earlier.Failures - 1))) - (DateTimeOffset.UtcNow - earlier.Last);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, http.RequestAborted);
        }
        var user = form["username"].ToString();
        if (!credentials.Verify(user, form["password"].ToString()))
        {
            Failures.AddOrUpdate(address, _ => (1, DateTimeOffset.UtcNow), (_, f) => (f.Failures + 1, DateTimeOffset.UtcNow));
            log.ForContext("SourceContext", "dashboard").Warning("Dashboard login refused from {Address}", address);
            return Results.Redirect("/login?failed=true");
        }
        Failures.TryRemove(address, out _);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme)));
        log.ForContext("SourceContext", "dashboard").Information("Dashboard login of {User} from {Address}", user, address);
        return Results.Redirect("/");
    }
}
