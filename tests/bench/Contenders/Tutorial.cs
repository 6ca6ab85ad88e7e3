using System.Text.Json.Serialization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integrations.Bench;

/// <summary>The tutorial's flow as a team would write it by hand: check the key, call CRM, call Billing, merge.</summary>
public static class Tutorial
{
    public const string Path = "/tutorial/api/get-user-details";
    public static readonly byte[] Unauthorized = """{"error":"a valid API key is required in the X-API-Key header"}"""u8.ToArray();

    public static bool KeyIsValid(HttpRequest request) => request.Headers["X-API-Key"] == "abc";

    public static async Task<UserDetails> GetUserDetailsAsync(HttpClient http, string backend, string name, CancellationToken cancellation)
    {
        var crm = await http.GetFromJsonAsync<Crm>($"{backend}/tutorial/api/get-user?UserName={Uri.EscapeDataString(name)}", cancellation);
        using var billingResponse = await http.PostAsync($"{backend}/tutorial/api/balance/get?USER={Uri.EscapeDataString(name)}", null, cancellation);
        var billing = await billingResponse.Content.ReadFromJsonAsync<Billing>(cancellation);
        return new UserDetails(crm!.UserType, crm.AccountNumber, billing!.AccBalance);
    }

    public static WebApplication Build(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        return builder.Build();
    }

    public static HttpClient PooledClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

    public sealed record Crm(string UserType, string AccountNumber);
    public sealed record Billing([property: JsonPropertyName("ACC_BALANCE")] string AccBalance);
    public sealed record UserDetails(
        [property: JsonPropertyName("user_type")] string UserType,
        [property: JsonPropertyName("account_no")] string AccountNo,
        [property: JsonPropertyName("account_balance")] string AccountBalance);
}

/// <summary>The backend every contender calls: the tutorial's demo CRM and Billing.</summary>
public static class Backend
{
    public static async Task<int> RunAsync(string url)
    {
        var app = Tutorial.Build(url);
        foreach (var (method, path, handle) in Integrations.DemoSystems.TutorialSystems.Endpoints)
            app.MapMethods(path, [method], handle);
        await app.RunAsync();
        return 0;
    }
}

/// <summary>The ceiling: the same three HTTP steps in one ASP.NET process, no broker.</summary>
public static class InProcess
{
    public static async Task<int> RunAsync(string url, string backend)
    {
        var app = Tutorial.Build(url);
        var http = Tutorial.PooledClient();
        app.MapGet(Tutorial.Path, async (HttpContext context) =>
        {
            if (!Tutorial.KeyIsValid(context.Request))
            {
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Tutorial.Unauthorized);
                return;
            }
            var name = context.Request.Query["name"].FirstOrDefault() ?? "partner";
            await context.Response.WriteAsJsonAsync(await Tutorial.GetUserDetailsAsync(http, backend, name, context.RequestAborted));
        });
        app.MapGet("/hello", (string? name) => Results.Json(new { greeting = $"Howdy {name ?? "partner"}!" }));
        await app.RunAsync();
        return 0;
    }
}
