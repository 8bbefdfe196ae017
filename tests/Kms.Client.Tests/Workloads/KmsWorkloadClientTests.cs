using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Providers;
using Kms.Client.Workloads;
using Kms.Tests.Shared;

namespace Kms.Client.Tests.Workloads;

/// <summary>The workload client against a real <c>kms-silo --dev</c> over loopback HTTP.</summary>
[Collection(DevSiloCollection.Name)]
public sealed class KmsWorkloadClientTests(DevSiloFixture fixture)
{
    private DevSiloProcess Silo => fixture.Silo;

    [Theory]
    [InlineData(RecipientSchemes.HpkeX25519)]
    [InlineData(RecipientSchemes.HpkeP256)]
    [InlineData(RecipientSchemes.HpkeXWing)]
    [InlineData(RecipientSchemes.RsaOaep256)]
    public async Task Releases_DerivedKeySecretAndCertificate_OpenWithEachScheme(string scheme)
    {
        using var workload = new DevSiloWorkload(Silo);
        byte[] secretValue = RandomNumberGenerator.GetBytes(40);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var http = new HttpClient();
        using var client = new KmsWorkloadClient(http, evidence, workload.Options(scheme));
        string identity = await workload.SetUpAsync(() => client.GetIdentityAsync(), secretValue);

        using ReleasedSecret key = await client.DeriveKeyAsync("storage", "disk", 1, 48);
        using ReleasedSecret again = await client.DeriveKeyAsync("storage", "disk", 1, 48);
        using ReleasedSecret other = await client.DeriveKeyAsync("storage", "disk", 2, 48);
        Assert.Equal(48, key.Value.Length);
        Assert.Equal(identity, key.Identity);
        Assert.True(key.Value.SequenceEqual(again.Value), "The same label derives the same key.");
        Assert.False(key.Value.SequenceEqual(other.Value), "Another version derives another key.");

        using ReleasedSecret secret = await client.GetSecretAsync("db");
        Assert.Equal(secretValue, secret.Value.ToArray());
        Assert.Equal(1, secret.Version);

        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateBody issued = await client.IssueCertificateAsync(new CertificateRequest("CN=client-test", tlsKey, HashAlgorithmName.SHA256));
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        using X509Certificate2 ca = X509Certificate2.CreateFromPem(issued.CaCertificate);
        Assert.Equal("CN=client-test", certificate.Subject);
        Assert.Equal(tlsKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public async Task FirstSiloDead_TheClientMovesToTheSecond_AndStaysThere()
    {
        using var workload = new DevSiloWorkload(Silo);
        var dead = new Uri($"http://127.0.0.1:{DevSiloProcess.FreePort()}/");
        using DevEvidenceProvider evidence = workload.Evidence();
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        using var client = new KmsWorkloadClient(http, evidence, workload.Options(RecipientSchemes.HpkeX25519, dead, Silo.ApiAddress));
        await workload.SetUpAsync(() => client.GetIdentityAsync(), [1, 2, 3]);

        using ReleasedSecret key = await client.DeriveKeyAsync("storage", "disk");
        using ReleasedSecret secret = await client.GetSecretAsync("db");

        Assert.Equal([1, 2, 3], secret.Value.ToArray());
        Assert.Equal(1, recorder.Count(dead));
        Assert.True(recorder.Count(Silo.ApiAddress) >= 5, "verify, then challenge and release twice, all at the live silo");
    }

    [Fact]
    public async Task SiloAnswering503_IsSkipped_ButA403IsNotRetriedElsewhere()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var http = new HttpClient();
        using var unavailable = new StubSilo(503, """{"status":503,"title":"Service Unavailable","detail":"fewer than t shares","reason":"shares"}""");
        using (var client = new KmsWorkloadClient(http, evidence, workload.Options(RecipientSchemes.HpkeX25519, unavailable.Address, Silo.ApiAddress)))
        {
            await workload.SetUpAsync(() => client.GetIdentityAsync(), [7]);
            using ReleasedSecret secret = await client.GetSecretAsync("db");
            Assert.Equal([7], secret.Value.ToArray());
            Assert.Equal(1, unavailable.Requests);
        }

        using var refusing = new StubSilo(403, """{"type":"urn:kms:problem:forbidden","title":"Forbidden","status":403,"detail":"measurement revoked"}""");
        var recorder = new RecordingHandler();
        using var recordingHttp = new HttpClient(recorder);
        using var refused = new KmsWorkloadClient(recordingHttp, evidence, workload.Options(RecipientSchemes.HpkeX25519, refusing.Address, Silo.ApiAddress));
        KmsApiException error = await Assert.ThrowsAsync<KmsApiException>(() => refused.GetSecretAsync("db"));
        Assert.Equal(403, error.Status);
        Assert.Equal("measurement revoked", error.Detail);
        Assert.Equal("urn:kms:problem:forbidden", error.ProblemType);
        Assert.True(error.IsRefusal);
        Assert.Equal(0, recorder.Count(Silo.ApiAddress));
    }

    [Fact]
    public async Task UnknownAndRevokedMeasurements_SurfaceAsTyped403FromTheSilo()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider admitted = workload.Evidence();
        using DevEvidenceProvider stranger = workload.Evidence("not-admitted-image");
        using var http = new HttpClient();
        using var client = new KmsWorkloadClient(http, admitted, workload.Options());
        string identity = await workload.SetUpAsync(() => client.GetIdentityAsync(), [1]);
        using var strangerClient = new KmsWorkloadClient(http, stranger, workload.Options());

        KmsApiException unknown = await Assert.ThrowsAsync<KmsApiException>(() => strangerClient.DeriveKeyAsync("storage", "disk"));
        Assert.Equal(403, unknown.Status);
        Assert.False(string.IsNullOrEmpty(unknown.Detail));

        using (await client.DeriveKeyAsync("storage", "disk"))
        {
        }

        await workload.RevokeAsync(identity);
        KmsApiException revoked = await Assert.ThrowsAsync<KmsApiException>(() => client.DeriveKeyAsync("storage", "disk"));
        Assert.Equal(403, revoked.Status);
        Assert.Contains("revoked", revoked.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AChallengeOutlivesTheIdentityGrainsDelayedReleaseRecordWrite()
    {
        // The second release of an instance already bound to its key is recorded by a timer one second later; a
        // challenge issued before that write must still be there after it.
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        var slow = new SlowProvider(evidence);
        using var http = new HttpClient();
        using var client = new KmsWorkloadClient(http, slow, workload.Options());
        await workload.SetUpAsync(() => client.GetIdentityAsync(), [3]);
        using (await client.DeriveKeyAsync("storage", "disk"))
        using (await client.DeriveKeyAsync("storage", "disk"))
        {
        }

        slow.Delay = TimeSpan.FromSeconds(2.5);
        using ReleasedSecret secret = await client.GetSecretAsync("db");
        Assert.Equal([3], secret.Value.ToArray());
    }

    [Fact]
    public async Task MissingNamespace_Is404_WhenTheClientLearnsItsIdentity()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var http = new HttpClient();
        using var client = new KmsWorkloadClient(http, evidence, workload.Options());

        KmsApiException error = await Assert.ThrowsAsync<KmsApiException>(() => client.GetSecretAsync("db"));
        Assert.Equal(404, error.Status);
        Assert.Contains(workload.Namespace, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvidenceOfAnotherKey_IsRefused401_NotRetried()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var http = new HttpClient();
        using var honest = new KmsWorkloadClient(http, evidence, workload.Options());
        string identity = await workload.SetUpAsync(() => honest.GetIdentityAsync(), [1]);
        var options = workload.Options();
        options.Identity = identity;
        using var tampering = new KmsWorkloadClient(http, new ReportDataTamperingProvider(evidence), options);

        KmsApiException error = await Assert.ThrowsAsync<KmsApiException>(() => tampering.DeriveKeyAsync("storage", "disk"));
        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task Cancellation_StopsAWaitingRequest_WithoutTryingTheNextSilo()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var stalled = new StubSilo(200, neverAnswer: true);
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        var options = workload.Options(RecipientSchemes.HpkeX25519, stalled.Address, Silo.ApiAddress);
        options.Identity = new string('a', 64);
        using var client = new KmsWorkloadClient(http, evidence, options);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DeriveKeyAsync("storage", "disk", cancellationToken: cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancelled after {clock.Elapsed}");
        Assert.Equal(0, recorder.Count(Silo.ApiAddress));
        using var already = new CancellationTokenSource();
        await already.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetSecretAsync("db", already.Token));
    }

    [Fact]
    public async Task StalledSilo_TimesOut_AndTheNextOneAnswers()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var stalled = new StubSilo(200, neverAnswer: true);
        using var http = new HttpClient();
        var options = workload.Options(RecipientSchemes.HpkeX25519, stalled.Address, Silo.ApiAddress);
        options.RequestTimeout = TimeSpan.FromSeconds(1);
        using var setupClient = new KmsWorkloadClient(http, evidence, workload.Options());
        await workload.SetUpAsync(() => setupClient.GetIdentityAsync(), [5]);
        using var client = new KmsWorkloadClient(http, evidence, options);

        using ReleasedSecret secret = await client.GetSecretAsync("db");
        Assert.Equal([5], secret.Value.ToArray());
    }

    [Fact]
    public async Task EverySiloDown_IsKmsUnavailable_WithEachAttempt()
    {
        using var workload = new DevSiloWorkload(Silo);
        using DevEvidenceProvider evidence = workload.Evidence();
        using var draining = new StubSilo(503, "not json at all", "text/html");
        using var http = new HttpClient();
        var options = workload.Options(RecipientSchemes.HpkeX25519, new Uri($"http://127.0.0.1:{DevSiloProcess.FreePort()}/"), draining.Address);
        options.Identity = new string('b', 64);
        options.Rounds = 3;
        options.RetryDelay = TimeSpan.FromMilliseconds(10);
        using var client = new KmsWorkloadClient(http, evidence, options);

        KmsUnavailableException error = await Assert.ThrowsAsync<KmsUnavailableException>(() => client.DeriveKeyAsync("storage", "disk"));

        Assert.Equal(6, error.InnerExceptions.Count);
        Assert.Equal(3, draining.Requests);
        Assert.Contains(error.InnerExceptions, e => e is KmsApiException { Status: 503, Detail: null });
        Assert.Contains(error.InnerExceptions, e => e is HttpRequestException);
    }

    /// <summary>Takes <see cref="Delay"/> before it makes evidence (a slow TEE).</summary>
    private sealed class SlowProvider(IEvidenceProvider inner) : IEvidenceProvider
    {
        public TimeSpan Delay { get; set; }

        public string EvidenceType => inner.EvidenceType;

        public async Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Delay, cancellationToken);
            return await inner.GetEvidenceAsync(reportData, cancellationToken);
        }
    }

    /// <summary>Signs evidence over other report data than the client computed: a replayed or redirected request.</summary>
    private sealed class ReportDataTamperingProvider(IEvidenceProvider inner) : IEvidenceProvider
    {
        public string EvidenceType => inner.EvidenceType;

        public Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
        {
            byte[] altered = reportData.ToArray();
            altered[^1] ^= 1;
            return inner.GetEvidenceAsync(altered, cancellationToken);
        }
    }

    /// <summary>Counts the requests sent to each silo.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<Uri> _sent = [];

        public int Count(Uri silo)
        {
            lock (_sent)
            {
                return _sent.Count(u => u.Authority == silo.Authority);
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (_sent)
            {
                _sent.Add(request.RequestUri!);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
