using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Dev;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Tests.Cluster;
using Kms.Grains.Workloads;
using Orleans.Storage;

namespace Kms.Grains.Tests.Kms;

/// <summary>Two-phase attestation and releases through the grains of an initialized three-silo cluster.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class ReleaseTests(InitializedClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IReleaseWorkerGrain Worker => Grains.GetGrain<IReleaseWorkerGrain>(0);

    /// <summary>The release count in the identity's stored (sealed) state, read through the grain storage.</summary>
    private async Task<long> ReadStoredReleasesAsync(TestWorkload workload)
    {
        var stored = new GrainState<WorkloadIdentityState>(new WorkloadIdentityState());
        await fixture.Cluster.Storage(GrainStorageNames.Kms).ReadStateAsync(
            "identity", Grains.GetGrain<IWorkloadIdentityGrain>($"{workload.Namespace}/{workload.Identity}").GetGrainId(), stored);
        return stored.State!.Releases;
    }

    [Fact]
    public async Task AnAdmittedWorkloadGetsTheSameKeyEveryTimeAndItsReleasesAreRecorded()
    {
        using var workload = new TestWorkload("same-key");
        await fixture.NamespaceWithAsync(workload);

        (byte[] first, SealedRelease release) = await workload.DeriveAsync(Grains);
        workload.Key = X25519KeyPair.Generate();
        workload.InstanceId = RandomNumberGenerator.GetBytes(32);
        (byte[] second, _) = await workload.DeriveAsync(Grains);
        (byte[] other, _) = await workload.DeriveAsync(Grains, name: "other");

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(workload.Identity, release.Identity);
        WorkloadIdentityStatus status = await Grains.GetGrain<IWorkloadIdentityGrain>($"same-key/{workload.Identity}").GetStatusAsync();
        Assert.Equal(3, status.Releases);
        Assert.Equal(2, status.Instances.Count);
        Assert.All(status.RecentReleases, r => Assert.Equal("derived-key", r.Kind));
    }

    [Fact]
    public async Task ChallengesOutstandingWhileTheReleaseRecordIsFlushedStayValid()
    {
        using var workload = new TestWorkload("record-flush");
        await fixture.NamespaceWithAsync(workload);
        await workload.DeriveAsync(Grains);
        await workload.DeriveAsync(Grains); // a known instance: its record is written behind, after ReleaseRecordFlushDelay (1 s)

        // Challenges issued before the flush; the flush must not end the activation that holds them.
        byte[][] outstanding = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => workload.ChallengeAsync(Grains)));
        WorkloadIdentityStatus flushed = await Poll.UntilSucceedsAsync(
            async () => await ReadStoredReleasesAsync(workload) is 2 ? await Grains.GetGrain<IWorkloadIdentityGrain>($"record-flush/{workload.Identity}").GetStatusAsync() : throw new InvalidOperationException("not flushed yet"),
            TimeSpan.FromSeconds(10));
        Assert.Equal(2, flushed.Releases);
        foreach (byte[] challenge in outstanding)
        {
            await Worker.ReleaseDerivedKeyAsync(
                workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey), workload.Recipient, new DerivedKeySpec("storage", "disk", 1, 32));
        }
    }

    [Fact]
    public async Task UnknownAndRevokedMeasurementsAreRefused()
    {
        using var workload = new TestWorkload("revocation");
        INamespaceGrain ns = await fixture.NamespaceWithAsync(workload);
        using var stranger = new TestWorkload("revocation", image: "not-registered");

        KmsException unknown = await Assert.ThrowsAsync<KmsException>(() => stranger.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, unknown.Kind);
        Assert.Contains("not in the namespace's registry", unknown.Message, StringComparison.Ordinal);

        await workload.DeriveAsync(Grains);
        await ns.RevokeMeasurementAsync(workload.Identity, "admin-1");
        KmsException revoked = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, revoked.Kind);
        Assert.Contains("revoked", revoked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRegistryIsBoundedAndItsEntriesStayInForce()
    {
        using var workload = new TestWorkload("bounded-registry");
        INamespaceGrain ns = await fixture.NamespaceWithAsync(workload);
        for (int i = 1; i < InitializedClusterFixture.MaxMeasurements; i++)
        {
            await ns.AddMeasurementAsync(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))), $"entry {i}", "admin-0");
        }

        string extra = Convert.ToHexStringLower(SHA256.HashData("one too many"u8));
        KmsException full = await Assert.ThrowsAsync<KmsException>(() => ns.AddMeasurementAsync(extra, "over the bound", "admin-0"));
        Assert.Equal(KmsErrorKind.Conflict, full.Kind);
        Assert.Contains("maximum of 40 entries", full.Message, StringComparison.Ordinal);

        // Entries already there are still updated and revoked; the workload is still served until its revocation.
        await ns.AddMeasurementAsync(workload.Identity, "re-admitted", "admin-0");
        await workload.DeriveAsync(Grains);
        await ns.RevokeMeasurementAsync(workload.Identity, "admin-1");
        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains))).Kind);
        Assert.Equal(InitializedClusterFixture.MaxMeasurements, (await ns.ListMeasurementsAsync()).Count);
    }

    [Fact]
    public async Task ReplayedEvidenceAndExpiredChallengesAreRefused()
    {
        using var workload = new TestWorkload("replay");
        await fixture.NamespaceWithAsync(workload);
        byte[] challenge = await workload.ChallengeAsync(Grains);
        AttestedRequest request = workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey);
        var spec = new DerivedKeySpec("storage", "disk", 1, 32);
        await Worker.ReleaseDerivedKeyAsync(request, workload.Recipient, spec);

        KmsException replayed = await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseDerivedKeyAsync(request, workload.Recipient, spec));
        Assert.Equal(KmsErrorKind.Unauthenticated, replayed.Kind);

        byte[] late = await workload.ChallengeAsync(Grains);
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // the fixture's challenges live 3 s
        KmsException expired = await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseDerivedKeyAsync(
            workload.Request(late, workload.Recipient.Scheme, workload.Recipient.PublicKey), workload.Recipient, spec));
        Assert.Equal(KmsErrorKind.Unauthenticated, expired.Kind);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvidenceThatDoesNotBindTheRecipientKeyIsRefused()
    {
        using var workload = new TestWorkload("binding");
        await fixture.NamespaceWithAsync(workload);
        byte[] challenge = await workload.ChallengeAsync(Grains);
        using X25519KeyPair attacker = X25519KeyPair.Generate();

        // Evidence made for the workload's key, presented with the attacker's key.
        AttestedRequest request = workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey);
        KmsException error = await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseDerivedKeyAsync(
            request, new RecipientKey("hpke-x25519", attacker.PublicKey.ToArray()), new DerivedKeySpec("storage", "disk", 1, 32)));
        Assert.Equal(KmsErrorKind.Unauthenticated, error.Kind);

        // Evidence signed by another dev key is refused as well.
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AttestedRequest forged = request with
        {
            Evidence = new EvidenceSubmission("dev", DevEvidence.Create(
                forger, workload.Measurements, ReleaseBinding.ReportData(challenge, workload.InstanceId, "hpke-x25519", workload.Recipient.PublicKey))),
        };
        Assert.Equal(KmsErrorKind.Unauthenticated, (await Assert.ThrowsAsync<KmsException>(() =>
            Worker.ReleaseDerivedKeyAsync(forged, workload.Recipient, new DerivedKeySpec("storage", "disk", 1, 32)))).Kind);
    }

    [Fact]
    public async Task ASecondLiveInstanceWithTheSameInstanceIdIsRefusedAndBothAreFlagged()
    {
        using var workload = new TestWorkload("clones");
        await fixture.NamespaceWithAsync(workload);
        await workload.DeriveAsync(Grains);

        X25519KeyPair original = workload.Key;
        workload.Key = X25519KeyPair.Generate(); // the clone: same instance id, its own key
        KmsException clone = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, clone.Kind);
        Assert.Contains("clone", clone.Message, StringComparison.Ordinal);

        workload.Key = original;
        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains))).Kind);
        WorkloadIdentityStatus status = await Grains.GetGrain<IWorkloadIdentityGrain>($"clones/{workload.Identity}").GetStatusAsync();
        Assert.True(Assert.Single(status.Instances).CloneSuspected);
    }

    [Fact]
    public async Task ARevokedIdentityGetsNoChallengeAndNoRelease()
    {
        using var workload = new TestWorkload("identity-revocation");
        await fixture.NamespaceWithAsync(workload);
        byte[] challenge = await workload.ChallengeAsync(Grains);
        await Grains.GetGrain<IWorkloadIdentityGrain>($"identity-revocation/{workload.Identity}").RevokeAsync("admin-0");

        await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseDerivedKeyAsync(
            workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey), workload.Recipient, new DerivedKeySpec("storage", "disk", 1, 32)));
        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => workload.ChallengeAsync(Grains))).Kind);
    }

    [Fact]
    public async Task ACertificateIsIssuedForTheAttestedKeyAndChainsToTheStableNamespaceCa()
    {
        using var workload = new TestWorkload("pki");
        INamespaceGrain ns = await fixture.NamespaceWithAsync(workload);
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = new CertificateRequest("CN=worker-1", tlsKey, HashAlgorithmName.SHA256).CreateSigningRequest();

        byte[] challenge = await workload.ChallengeAsync(Grains);
        IssuedCertificateRecord issued = await Worker.IssueCertificateAsync(workload.Request(challenge, "csr", tlsKey.ExportSubjectPublicKeyInfo()), csr);

        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using X509Certificate2 ca = X509Certificate2.CreateFromPem((await ns.GetAsync()).CaCertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(tlsKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(issued.CaCertificatePem, (await ns.GetAsync()).CaCertificatePem);

        // A CSR whose key the evidence does not bind is refused.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] next = await workload.ChallengeAsync(Grains);
        byte[] otherCsr = new CertificateRequest("CN=worker-1", otherKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        Assert.Equal(KmsErrorKind.Unauthenticated, (await Assert.ThrowsAsync<KmsException>(() =>
            Worker.IssueCertificateAsync(workload.Request(next, "csr", tlsKey.ExportSubjectPublicKeyInfo()), otherCsr))).Kind);

        WorkloadIdentityStatus status = await Grains.GetGrain<IWorkloadIdentityGrain>($"pki/{workload.Identity}").GetStatusAsync();
        Assert.Equal(issued.Serial, Assert.Single(status.RecentReleases).Detail);
    }

    [Fact]
    public async Task RotationGivesNewKeysAndKeepsTheCa()
    {
        using var workload = new TestWorkload("rotation");
        INamespaceGrain ns = await fixture.NamespaceWithAsync(workload);
        string ca = (await ns.GetAsync()).CaCertificatePem;
        (byte[] before, _) = await workload.DeriveAsync(Grains);

        NamespaceInfo rotated = await ns.RotateKeyAsync("admin-0");
        (byte[] after, SealedRelease release) = await workload.DeriveAsync(Grains);

        Assert.Equal(1, rotated.KeyEpoch);
        Assert.Equal(1, release.KeyEpoch);
        Assert.NotEqual(before, after);
        Assert.Equal(ca, rotated.CaCertificatePem);
    }

    [Fact]
    public async Task MalformedRequestsAreRefusedBeforeAnythingIsVerified()
    {
        using var workload = new TestWorkload("malformed");
        await fixture.NamespaceWithAsync(workload);
        byte[] challenge = await workload.ChallengeAsync(Grains);
        AttestedRequest request = workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey);
        var spec = new DerivedKeySpec("storage", "disk", 1, 32);

        async Task<KmsErrorKind> KindOf(Func<Task> call) => (await Assert.ThrowsAsync<KmsException>(call)).Kind;
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request, new RecipientKey("hpke-x25519", new byte[31]), spec)));
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request, new RecipientKey("rot13", new byte[32]), spec)));
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request, workload.Recipient, spec with { Length = 8 })));
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request, workload.Recipient, spec with { Name = "a/b" })));
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request with { Challenge = new byte[5] }, workload.Recipient, spec)));
        Assert.Equal(KmsErrorKind.MalformedInput, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request with { Evidence = new EvidenceSubmission("sgx", [1]) }, workload.Recipient, spec)));
        Assert.Equal(KmsErrorKind.Unauthenticated, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request with { Evidence = new EvidenceSubmission("dev", RandomNumberGenerator.GetBytes(300)) }, workload.Recipient, spec)));
        Assert.Equal(KmsErrorKind.NotFound, await KindOf(() => Worker.ReleaseDerivedKeyAsync(request with { Namespace = "no-such-namespace" }, workload.Recipient, spec)));
    }
}
