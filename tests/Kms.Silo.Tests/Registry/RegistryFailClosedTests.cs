using System.Net;
using System.Net.Sockets;
using Kms.Crypto.Ethereum;

namespace Kms.Silo.Tests.Registry;

/// <summary>
/// A silo whose governance node is unreachable releases nothing through the Go registry routes: 503 with the step that
/// could not be done (the Go handler answers 500 there). No foundry needed: nothing listens on the node's port.
/// </summary>
public sealed class RegistryFailClosedTests
{
    [Fact]
    public async Task UnreachableChain_Is503_AndNothingIsReleased()
    {
        using var directory = new TempDirectory();
        RegistrySiloFixture.WriteSettings(directory.Path, $"http://127.0.0.1:{ClosedPort()}", EthereumAddress.FromBytes(new byte[20]), trustProxy: false);
        await using InProcessSilo silo = await InProcessSilo.StartAsync(workingDirectory: directory.Path);
        await silo.WaitForDevClusterAsync();
        string contract = "0x" + new string('1', 40);

        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        using var content = new ByteArrayContent(workload.Csr(new string('1', 40) + ".app"));
        using HttpResponseMessage secrets = await silo.Client.PostAsync("/api/attested/secrets/" + contract, content);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, secrets.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", secrets.Content.Headers.ContentType?.ToString());
        string body = await secrets.Content.ReadAsStringAsync();
        Assert.StartsWith("could not verify application is allowed: ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", body, StringComparison.Ordinal);

        using HttpResponseMessage pki = await silo.Client.GetAsync("/api/public/pki/" + contract);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pki.StatusCode);
        Assert.StartsWith("Failed to get PKI: ", await pki.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
