using System.Net.Http.Headers;
using System.Text;
using Integrations.Admin;
using Integrations.Bus.Node;
using Integrations.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>A real node, in this process, on the test run's RabbitMQ and PostgreSQL, with its own ports and folders.</summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string AdminPassword = "test-admin-password";

    private readonly WebApplication _app;

    private TestNode(WebApplication app, NodeOptions options)
    {
        _app = app;
        Options = options;
        Admin = new HttpClient { BaseAddress = new Uri(options.AdminUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminPassword)));
        Api = AdminApiClient.WithPassword(options.AdminUrl, AdminPassword, TimeSpan.FromSeconds(100), "esb-tests");
        Channels = new HttpClient { BaseAddress = new Uri(options.ChannelsUrl) };
    }

    public NodeOptions Options { get; }
    /// <summary>The admin API as raw HTTP, for tests of its answers.</summary>
    public HttpClient Admin { get; }
    /// <summary>The admin API through the one admin client the CLI and the dashboard use, for setting a node up.</summary>
    public AdminApiClient Api { get; }
    public HttpClient Channels { get; }
    public IServiceProvider Services => _app.Services;
    public string LogFile => Path.Combine(Options.LogDirectory!, "server.log");

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="isolated">Give the node a configuration schema of its own, empty at start.</param>
    /// <param name="demo">Serve the tutorial's demo CRM and Billing systems on the channel port (<c>esb serve --demo</c>).</param>
    public static async Task<TestNode> StartAsync(Servers servers, string name, Action<NodeOptions>? configure = null, bool isolated = false, bool demo = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
        var options = new NodeOptions
        {
            NodeName = name,
            RabbitMq = servers.RabbitMq,
            Postgres = servers.Postgres,
            Schema = isolated ? servers.NewSchema() : servers.Schema,
            ChannelsUrl = $"http://127.0.0.1:{Ports.Free()}",
            AdminUrl = $"http://127.0.0.1:{Ports.Free()}",
            AdminPassword = AdminPassword,
            SecretKey = servers.SecretKey,
            Demo = demo,
            LogToConsole = false,
            LogDirectory = Path.Combine(folder, "logs"),
            DataDirectory = Path.Combine(folder, ".esb"),
            PickupDirectory = Path.Combine(folder, "pickup"),
            SchedulerTakeover = TimeSpan.FromSeconds(3),
        };
        options.ServiceAssemblies.Add(typeof(TestNode).Assembly);
        configure?.Invoke(options);
        var app = EsbNode.Build(options);
        await app.StartAsync();
        return new TestNode(app, options);
    }

    /// <summary>Invokes a service through the admin API, as <c>esb invoke</c> does.</summary>
    public Task<HttpResponseMessage> InvokeAsync(string service, string parameters = "") =>
        Admin.PostAsync($"/admin/services/{service}/invoke", new StringContent(parameters, Encoding.UTF8, "text/plain"));

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Api.Dispose();
        Channels.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
