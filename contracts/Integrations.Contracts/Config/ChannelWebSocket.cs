namespace Integrations.Config;

/// <summary>
/// A WebSockets channel: a URL path on the channel port where clients (browsers too) connect, after the security
/// definition let them in at the handshake. Each JSON text message <c>{"id": "1", "input": {…}}</c> invokes the
/// service and the answer <c>{"id": "1", "status": 200, "output": …}</c> goes back on the same socket; services push
/// to connected clients with <c>ctx.PushAsync</c>.
/// </summary>
[ConfigKind("channel_websocket")]
public sealed record ChannelWebSocket : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The service each message invokes.</summary>
    public string Service { get; init; } = "";
    /// <summary>The path, unique on the channel port: <c>/ws/orders</c>.</summary>
    public string UrlPath { get; init; } = "";
    /// <summary>The security definition checked at the handshake (apikey, basic_auth or jwt; browsers may give an API key as <c>?api_key=</c> and a JWT as <c>?access_token=</c>), or null for none.</summary>
    public string? Security { get; init; }
    /// <summary>The largest message accepted, in bytes.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;
    /// <summary>Clients connected at once, on each node.</summary>
    public int MaxConnections { get; init; } = 1000;
    /// <summary>Seconds without a message from the client after which the socket is closed.</summary>
    public int IdleTimeoutSeconds { get; init; } = 300;
    /// <summary>Seconds between keep-alive pings.</summary>
    public int PingSeconds { get; init; } = 30;
    /// <summary>Whether the channel takes connections.</summary>
    public bool IsActive { get; init; } = true;
}
