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
