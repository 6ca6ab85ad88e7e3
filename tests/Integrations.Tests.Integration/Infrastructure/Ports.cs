using System.Net;
using System.Net.Sockets;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>Local ports for the servers tests start.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on now, picked by the system.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A port for a server a test starts, stops and starts again (a private broker or PostgreSQL), picked at random in
    /// [<paramref name="from"/>, <paramref name="to"/>) among those that can be listened on, with
    /// <paramref name="alsoFree"/> when given. Keep the range below the system's range for outgoing connections' own
    /// ports (32768–60999 on Linux): a client connection of the suite could be holding a port from there when the
    /// server binds it, or take it while the server is stopped.
    /// </summary>
    public static int ForServer(int from, int to, Func<int, bool>? alsoFree = null) =>
        Enumerable.Range(0, 100).Select(_ => Random.Shared.Next(from, to)).First(p => IsFree(p) && (alsoFree?.Invoke(p) ?? true));

    /// <summary>Whether <paramref name="port"/> can be listened on: the fixed ports the tutorial and the README use.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
