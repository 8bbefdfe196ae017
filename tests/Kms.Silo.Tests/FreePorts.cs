using System.Net;
using System.Net.Sockets;

namespace Kms.Silo.Tests;

/// <summary>A loopback TCP port that is free now (Orleans must be told its ports before it listens).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
