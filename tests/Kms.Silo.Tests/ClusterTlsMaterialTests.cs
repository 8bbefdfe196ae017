using System.Security.Cryptography.X509Certificates;
using Kms.Client.Cluster;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests;

/// <summary>Which certificates count as cluster members: leaves of the cluster CA usable as TLS client and server.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterTlsMaterialTests : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _directory = new();
    private readonly TestClusterCertificates _certificates;
    private readonly ClusterTlsMaterial _material;

    public ClusterTlsMaterialTests()
    {
        _certificates = new TestClusterCertificates(_directory.Combine("tls"));
        (string certificate, string key) = _certificates.Issue("silo-1");
        _material = ClusterTlsMaterial.Load(new ClusterTlsOptions
        {
            CertificateFile = certificate,
            KeyFile = key,
            CaFile = _certificates.CaFile,
        });
    }

    public void Dispose()
    {
        _material.Dispose();
        _certificates.Dispose();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(false, new[] { ServerAuth, ClientAuth }, true)]
    [InlineData(false, new string[0], true)]
    [InlineData(false, new[] { ServerAuth }, false)]
    [InlineData(false, new[] { ClientAuth }, false)]
    [InlineData(true, new[] { ServerAuth, ClientAuth }, false)]
    public void OnlyLeavesForClientAndServerAuthentication_AreMembers(bool isCa, string[] usages, bool accepted)
    {
        (string file, _) = _certificates.Issue("peer", isCa, usages);
        using X509Certificate2 peer = X509CertificateLoader.LoadCertificateFromFile(file);

        Assert.Equal(accepted, _material.IsIssuedByClusterCa(peer));
    }

    [Fact]
    public void ACertificateOfAnotherCa_IsNotAMember()
    {
        using var foreign = new TestClusterCertificates(_directory.Combine("foreign"), "Another CA");
        (string file, _) = foreign.Issue("peer");
        using X509Certificate2 peer = X509CertificateLoader.LoadCertificateFromFile(file);

        Assert.False(_material.IsIssuedByClusterCa(peer));
    }
}
