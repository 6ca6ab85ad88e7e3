using System.Net.Sockets;
using System.Security.Authentication;

namespace Integrations.Adapters.Http;

/// <summary>Says in plain words why an HTTP call did not get an answer.</summary>
public static class HttpFailure
{
    /// <summary>"DNS: …", "refused: …", "TLS: …", or the error's own words.</summary>
    public static string Describe(Exception e, Uri? target = null)
    {
        var where = target is null ? "" : $" {target.Host}:{target.Port}";
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return $"DNS: the host name{(target is null ? "" : $" {target.Host}")} cannot be resolved";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"refused: nothing listens on{where}";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return $"timeout: no connection to{where}";
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable }:
                    return $"unreachable:{where} cannot be reached from this server";
                case AuthenticationException tls:
                    return $"TLS: {tls.Message}";
            }
        }
        return e.Message;
    }
}
