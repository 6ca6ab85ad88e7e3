using System.Net;
using System.Net.Security;

namespace Integrations.Adapters.Http;

/// <summary>
/// The node's pooled HTTP connections, shared by every outgoing connection and token request: sockets are reused
/// and renewed every few minutes (DNS changes are seen), never exhausted under load.
/// </summary>
public sealed class HttpPool : IDisposable
{
    /// <summary>Checks certificates.</summary>
    public SocketsHttpHandler Verified { get; } = Create(verify: true);

    /// <summary>Accepts any certificate, for connections configured with TLS verification off.</summary>
    public SocketsHttpHandler Unverified { get; } = Create(verify: false);

    private static SocketsHttpHandler Create(bool verify)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (!verify) handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        return handler;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Verified.Dispose();
        Unverified.Dispose();
    }
}
