using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Kms.Client.Cluster;
using Kms.Grains;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Kms.Silo.Tests;

/// <summary>A production silo accepts Orleans clients only over mutual TLS with a certificate from the cluster CA.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private const string ClusterId = "tls-test";
    private readonly TempDirectory _directory = new();
    private TestClusterCertificates _certificates = null!;
    private InProcessSilo _silo = null!;
    private int _gatewayPort;

    public async Task InitializeAsync()
    {
        _certificates = new TestClusterCertificates(_directory.Combine("tls"));
        _gatewayPort = FreePorts.Next();
        _silo = await InProcessSilo.StartAsync(
            ProductionSiloArguments.Create(_directory.Path, _certificates, ClusterId, "silo-a", _gatewayPort),
            workingDirectory: _directory.Path);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _certificates.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task AClientWithACertificateFromTheClusterCa_CallsGrains()
    {
        (string certificate, string key) = _certificates.Issue("backoffice");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKmsClusterClient(options =>
        {
            options.ClusterId = ClusterId;
            options.Gateways.Add(new IPEndPoint(IPAddress.Loopback, _gatewayPort));
            options.Tls.CertificateFile = certificate;
            options.Tls.KeyFile = key;
            options.Tls.CaFile = _certificates.CaFile;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        await StartClientAsync(provider);

        SiloProbeResult result = await provider.GetRequiredService<IClusterClient>()
            .GetGrain<ISiloProbeGrain>("tls-client").ProbeAsync();

        Assert.Equal("silo-a", result.SiloName);
        Assert.Equal(1, result.Probes);
    }

    [Theory]
    [InlineData("cluster-ca", true)]
    [InlineData("foreign-ca", false)]
    [InlineData("self-signed", false)]
    public async Task TheSilo_AcceptsOnlyClientCertificatesFromTheClusterCa(string kind, bool accepted)
    {
        using var foreign = new TestClusterCertificates(_directory.Combine(kind), "Another CA");
        (string certificateFile, string keyFile) = kind switch
        {
            "cluster-ca" => _certificates.Issue("backoffice-2"),
            "self-signed" => foreign.SelfSigned("intruder"),
            _ => foreign.Issue("intruder"),
        };
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = ClusterId;
                cluster.ServiceId = KmsClusterClientOptions.DefaultServiceId;
            });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, _gatewayPort));
            // This client trusts any silo, so a refusal can only come from the silo's check of the client.
            client.UseTls(certificate, tls => tls.AllowAnyRemoteCertificate());
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        Exception? failure = await Record.ExceptionAsync(async () =>
        {
            await StartClientAsync(provider, TimeSpan.FromSeconds(6));
            await provider.GetRequiredService<IClusterClient>().GetGrain<ISiloProbeGrain>("client-" + kind).ProbeAsync();
        });

        if (accepted)
        {
            Assert.Null(failure);
        }
        else
        {
            Assert.NotNull(failure);
        }
    }

    [Fact]
    public async Task APlaintextConnection_IsClosedByTheSilo()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _gatewayPort);
        NetworkStream stream = tcp.GetStream();
        // Orleans' plaintext preamble would start with the connection's own id; a TLS listener reads it as a
        // malformed ClientHello and closes the connection.
        await stream.WriteAsync(new byte[64]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        try
        {
            read = await stream.ReadAsync(new byte[256], timeout.Token);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.True(read == 0 || !timeout.IsCancellationRequested, "the silo closed the connection or answered with a TLS alert");
        Assert.False(timeout.IsCancellationRequested, "the silo did not leave the connection hanging");
    }

    private static async Task StartClientAsync(IServiceProvider provider, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(20));
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(timeout.Token);
        }
    }

}
