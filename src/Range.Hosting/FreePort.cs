using System.Net;
using System.Net.Sockets;

namespace RangeOrleans.Hosting;

/// <summary>Picks an unused TCP port (bind to port 0, read it, release it).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
