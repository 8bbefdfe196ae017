using System.Security.Cryptography;
using Kms.Attestation.Dev;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Tests.Cluster;
using Kms.Grains.Workloads;

namespace Kms.Grains.Tests.Kms;

/// <summary>A workload with dev measurements and an X25519 key, going through challenge → evidence → release.</summary>
internal sealed class TestWorkload : IDisposable
{
    public TestWorkload(string @namespace, string image = "app-v1")
    {
        Namespace = @namespace;
        Measurements = new Dictionary<string, byte[]>
        {
            ["rtmr0"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image)),
            ["rtmr1"] = new byte[48],
        };
        Identity = MeasurementIdentity.Compute(new VerifiedWorkload(
            "dev", "dev", true, "NotApplicable", [], Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []));
    }

    public string Namespace { get; }

    public Dictionary<string, byte[]> Measurements { get; }

    /// <summary>The identity the namespace knows the workload by (the measurement identity unless a test sets another).</summary>
    public string Identity { get; set; }

    public byte[] InstanceId { get; set; } = RandomNumberGenerator.GetBytes(32);

    public X25519KeyPair Key { get; set; } = X25519KeyPair.Generate();

    public RecipientKey Recipient => new("hpke-x25519", Key.PublicKey.ToArray());

    public async Task<byte[]> ChallengeAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(Namespace, Identity)).IssueChallengeAsync(InstanceId)).Challenge;

    public AttestedRequest Request(byte[] challenge, string scheme, byte[] publicKey) => new(
        Namespace,
        new EvidenceSubmission("dev", DevEvidence.Create(KmsTestCluster.DevEvidenceKey, Measurements, ReleaseBinding.ReportData(challenge, InstanceId, scheme, publicKey))),
        challenge,
        InstanceId);

    /// <summary>Creates the workload's namespace with the dev policy and registers the workload's measurement.</summary>
    public async Task<INamespaceGrain> CreateNamespaceAsync(IGrainFactory grains)
    {
        INamespaceGrain ns = grains.GetGrain<INamespaceGrain>(Namespace);
        await ns.CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, InitializedClusterFixture.DevPolicy, "admin-0"));
        await ns.AddMeasurementAsync(Identity, "test image", "admin-0");
        return ns;
    }

    /// <summary>Asks for a challenge, attests and opens the released derived key.</summary>
    public async Task<(byte[] Key, SealedRelease Release)> DeriveAsync(IGrainFactory grains, string name = "disk", uint version = 1)
    {
        byte[] challenge = await ChallengeAsync(grains);
        SealedRelease release = await grains.GetGrain<IReleaseWorkerGrain>(0).ReleaseDerivedKeyAsync(
            Request(challenge, Recipient.Scheme, Recipient.PublicKey), Recipient, new DerivedKeySpec("storage", name, version, 32));
        byte[] key = HpkeX25519.Open(Key, "Orleans.Kms release v1"u8, [], [.. release.Encapsulation, .. release.Ciphertext]);
        return (key, release);
    }

    public void Dispose() => Key.Dispose();
}
