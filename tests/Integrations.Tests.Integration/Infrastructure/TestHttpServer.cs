using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>An outside system for a test: a small web server on a free local port, with the endpoints the test maps.</summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public TestHttpServer(Action<WebApplication> map)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url);
        _app = builder.Build();
        map(_app);
    }

    public string Url { get; }

    public static async Task<TestHttpServer> StartAsync(Action<WebApplication> map)
    {
        var server = new TestHttpServer(map);
        await server._app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
