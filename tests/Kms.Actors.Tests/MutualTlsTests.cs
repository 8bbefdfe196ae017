using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Actors.Tests;

public sealed class MutualTlsTests
{
    [Fact]
    public async Task SilosAndClientsWithTheClusterCertificateTalkOverTls()
    {
        using X509Certificate2 cluster = CreateCertificate("kms-cluster");
        using X509Certificate2 stranger = CreateCertificate("kms-cluster");
        await using var testCluster = await Clusters.StartAsync(silos: 2, silo => silo.ClusterCertificate = cluster);

        string[] where = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => testCluster.GrainFactory.GetGrain<ICounterGrain>($"tls-{i}").GetSiloNameAsync()));
        Assert.Contains("silo-2", where);

        await using (var client = testCluster.CreateClient(o => { o.ClusterCertificate = cluster; o.AddGrainInterface<ICounterGrain>().JsonContexts.Add(TestGrainsJsonContext.Default); }))
        {
            Assert.Equal(3, await client.GetGrain<ICounterGrain>("tls-client").AddAndSaveAsync(3));
        }

        // No certificate (h2c against a TLS port) or another certificate with the same name: no call gets through.
        await using (var plain = testCluster.CreateClient(o => o.AddGrainInterface<ICounterGrain>().JsonContexts.Add(TestGrainsJsonContext.Default)))
        {
            await Assert.ThrowsAsync<SiloUnavailableException>(() => plain.GetGrain<ICounterGrain>("tls-client").GetPersistedAsync().AsTask());
        }

        await using (var impostor = testCluster.CreateClient(o => { o.ClusterCertificate = stranger; o.AddGrainInterface<ICounterGrain>().JsonContexts.Add(TestGrainsJsonContext.Default); }))
        {
            await Assert.ThrowsAsync<SiloUnavailableException>(() => impostor.GetGrain<ICounterGrain>("tls-client").GetPersistedAsync().AsTask());
        }
    }

    [Fact]
    public void TheClusterCertificateNeedsItsPrivateKey()
    {
        using X509Certificate2 cluster = CreateCertificate("kms-cluster");
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(cluster.RawData);
        var options = new Kms.Actors.Client.ClusterClientOptions { ClusterCertificate = publicOnly };
        options.Gateways.Add(new Uri("http://127.0.0.1:1/"));

        Assert.Throws<ArgumentException>(() => new Kms.Actors.Client.ClusterClient(options));
    }

    private static X509Certificate2 CreateCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
