using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Integrations.Bench.Messages
{
    public sealed record GetUserDetails(string Name);
    public sealed record Hello(string? Name);
    public sealed record Greeting(string Text);
}

namespace Integrations.Bench
{
    using Messages;

    /// <summary>What a team writes by hand: an ASP.NET endpoint, an IRequestClient, a consumer; MassTransit's defaults.</summary>
    public static class NaiveMassTransit
    {
        public static async Task<int> RunAsync(string url, string backend, string rabbit)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(url);
            builder.Services.AddSingleton(new BackendAddress(backend));
            builder.Services.AddSingleton(_ => Tutorial.PooledClient());
            builder.Services.AddMassTransit(x =>
            {
                x.DisableUsageTelemetry();
                x.AddConsumer<GetUserDetailsConsumer>();
                x.AddConsumer<HelloConsumer>();
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbit));
                    cfg.ConfigureEndpoints(context);
                });
            });
            var app = builder.Build();
            app.MapGet(Tutorial.Path, async (HttpContext context, IRequestClient<GetUserDetails> client) =>
            {
                if (!Tutorial.KeyIsValid(context.Request))
                {
                    context.Response.StatusCode = 401;
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(Tutorial.Unauthorized);
                    return;
                }
                var response = await client.GetResponse<Tutorial.UserDetails>(new GetUserDetails(context.Request.Query["name"].FirstOrDefault() ?? "partner"));
                await context.Response.WriteAsJsonAsync(response.Message);
            });
            app.MapGet("/hello", async (string? name, IRequestClient<Hello> client) =>
                Results.Json(new { greeting = (await client.GetResponse<Greeting>(new Hello(name))).Message.Text }));
            await app.RunAsync();
            return 0;
        }

        public sealed record BackendAddress(string Url);

        public sealed class GetUserDetailsConsumer(HttpClient http, BackendAddress backend) : IConsumer<GetUserDetails>
        {
            public async Task Consume(ConsumeContext<GetUserDetails> context) =>
                await context.RespondAsync(await Tutorial.GetUserDetailsAsync(http, backend.Url, context.Message.Name, context.CancellationToken));
        }

        public sealed class HelloConsumer : IConsumer<Hello>
        {
            public Task Consume(ConsumeContext<Hello> context) =>
                context.RespondAsync(new Greeting($"Howdy {context.Message.Name ?? "partner"}!"));
        }
    }
}
