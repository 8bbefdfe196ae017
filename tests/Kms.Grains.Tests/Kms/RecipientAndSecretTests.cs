using System.Security.Cryptography;
using Kms.Crypto.Ecies;
using Kms.Crypto.Hpke;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Secrets;

namespace Kms.Grains.Tests.Kms;

/// <summary>Every recipient scheme opens on the workload's side to the same key; namespace secrets are released like keys.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class RecipientAndSecretTests(InitializedClusterFixture fixture)
{
    private IReleaseWorkerGrain Worker => fixture.Grains.GetGrain<IReleaseWorkerGrain>(0);

    [Fact]
    public async Task EveryRecipientSchemeOpensToTheSameDerivedKey()
    {
        using var workload = new TestWorkload("schemes");
        await fixture.NamespaceWithAsync(workload);
        (byte[] expected, _) = await workload.DeriveAsync(fixture.Grains);

        using ECDiffieHellman p256 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] p256Public = HpkeP256.SerializePublicKey(p256);
        SealedRelease hpkeP256 = await ReleaseToAsync(workload, new RecipientKey("hpke-p256", p256Public));
        Assert.Equal(expected, HpkeP256.Open(p256, "Orleans.Kms release v1"u8, [], [.. hpkeP256.Encapsulation, .. hpkeP256.Ciphertext]));

        using RSA rsa = RSA.Create(2048);
        SealedRelease oaep = await ReleaseToAsync(workload, new RecipientKey("rsa-oaep-256", rsa.ExportSubjectPublicKeyInfo()));
        Assert.Empty(oaep.Encapsulation);
        Assert.Equal(expected, rsa.Decrypt(oaep.Ciphertext, RSAEncryptionPadding.OaepSHA256));

        SealedRelease ecies = await ReleaseToAsync(workload, new RecipientKey("ecies-go", p256Public));
        Assert.Equal(expected, GoEcies.Decrypt(p256, ecies.Ciphertext));

        using XWingKeyPair xwing = XWingKeyPair.Generate();
        SealedRelease hybrid = await ReleaseToAsync(workload, new RecipientKey("hpke-xwing", xwing.PublicKey.ToArray()));
        Assert.Equal(HpkeXWing.EncapsulatedKeySize, hybrid.Encapsulation.Length);
        Assert.Equal(expected, HpkeXWing.Open(xwing, "Orleans.Kms release v1"u8, [], [.. hybrid.Encapsulation, .. hybrid.Ciphertext]));
    }

    [Fact]
    public async Task ANamespaceThatRequiresPostQuantumReleasesOnlyToXWingRecipients()
    {
        using var workload = new TestWorkload("post-quantum");
        var ns = fixture.Grains.GetGrain<INamespaceGrain>("post-quantum");
        await ns.CreateAsync(new NamespaceCreateRequest(
            NamespaceGovernance.Registry, InitializedClusterFixture.DevPolicy with { RequirePostQuantum = true }, "admin-0"));
        await ns.AddMeasurementAsync(workload.Identity, "pq", "admin-0");

        KmsException classical = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(fixture.Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, classical.Kind);
        Assert.Contains("post-quantum", classical.Message, StringComparison.Ordinal);

        using XWingKeyPair xwing = XWingKeyPair.Generate();
        SealedRelease release = await ReleaseToAsync(workload, new RecipientKey("hpke-xwing", xwing.PublicKey.ToArray()));
        Assert.Equal(32, HpkeXWing.Open(xwing, "Orleans.Kms release v1"u8, [], [.. release.Encapsulation, .. release.Ciphertext]).Length);
    }

    [Fact]
    public async Task ANamespaceSecretIsReleasedSealedToAnAdmittedWorkloadOnly()
    {
        using var workload = new TestWorkload("secrets");
        await fixture.NamespaceWithAsync(workload);
        INamespaceSecretGrain secret = fixture.Grains.GetGrain<INamespaceSecretGrain>("secrets/database-password");
        byte[] value = RandomNumberGenerator.GetBytes(100);
        SecretVersionInfo info = await secret.PutAsync(value, "admin-0");
        Assert.Equal(1, info.Version);

        byte[] challenge = await workload.ChallengeAsync(fixture.Grains);
        SealedRelease release = await Worker.ReleaseSecretAsync(
            workload.Request(challenge, workload.Recipient.Scheme, workload.Recipient.PublicKey), workload.Recipient, "database-password");
        Assert.Equal(1, release.KeyEpoch);
        Assert.Equal(value, HpkeX25519.Open(workload.Key, "Orleans.Kms release v1"u8, [], [.. release.Encapsulation, .. release.Ciphertext]));

        using var stranger = new TestWorkload("secrets", image: "stranger");
        byte[] strangerChallenge = await stranger.ChallengeAsync(fixture.Grains);
        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseSecretAsync(
            stranger.Request(strangerChallenge, stranger.Recipient.Scheme, stranger.Recipient.PublicKey), stranger.Recipient, "database-password"))).Kind);

        await secret.DeleteAsync("admin-0");
        byte[] late = await workload.ChallengeAsync(fixture.Grains);
        Assert.Equal(KmsErrorKind.NotFound, (await Assert.ThrowsAsync<KmsException>(() => Worker.ReleaseSecretAsync(
            workload.Request(late, workload.Recipient.Scheme, workload.Recipient.PublicKey), workload.Recipient, "database-password"))).Kind);
        Assert.Equal(KmsErrorKind.NotFound, (await Assert.ThrowsAsync<KmsException>(() =>
            fixture.Grains.GetGrain<INamespaceSecretGrain>("no-such-namespace/x").PutAsync([1], "admin-0"))).Kind);
    }

    private async Task<SealedRelease> ReleaseToAsync(TestWorkload workload, RecipientKey recipient)
    {
        // An instance keeps one key for its life (a second key under its id is a clone): a new key, a new instance.
        workload.InstanceId = RandomNumberGenerator.GetBytes(32);
        byte[] challenge = await workload.ChallengeAsync(fixture.Grains);
        return await Worker.ReleaseDerivedKeyAsync(
            workload.Request(challenge, recipient.Scheme, recipient.PublicKey), recipient, new DerivedKeySpec("storage", "disk", 1, 32));
    }
}
