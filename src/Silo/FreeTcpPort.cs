using System.Net;
using System.Net.Sockets;

namespace Kms.Silo;

/// <summary>Finds a TCP port that is free now on an address (for <c>--silo-port 0</c>).</summary>
/// <remarks>Orleans must know its silo address before it listens, so the port is chosen here and released again; in
/// the short gap another process could take it, and the start then fails with a clear message.</remarks>
internal static class FreeTcpPort
{
    public static int Pick(string? address)
    {
        IPAddress ip = address is null ? IPAddress.Loopback : IPAddress.Parse(address);
        using var listener = new TcpListener(ip, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
