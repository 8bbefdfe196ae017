using System.Net;
using System.Net.Sockets;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>The Azurite fixture itself: it answers once started and is gone, ports closed, once disposed.</summary>
public sealed class AzuriteServerTests
{
    [RequiresAzuriteFact]
    public async Task DisposeKillsAzuriteAndClosesItsPorts()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        AzuriteServer server = await AzuriteServer.StartAsync(timeout.Token);
        int[] ports = [server.BlobPort, server.TablePort];
        Assert.All(ports, port => Assert.True(Accepts(port), $"port {port} must answer while Azurite runs"));
        Assert.Empty(await server.DumpAllAsync(timeout.Token));

        await server.DisposeAsync();

        Assert.All(ports, port => Assert.False(Accepts(port), $"port {port} must be closed after SIGKILL"));
    }

    private static bool Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
