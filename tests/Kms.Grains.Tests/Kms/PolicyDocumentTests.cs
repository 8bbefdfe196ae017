using System.Text;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;

namespace Kms.Grains.Tests.Kms;

/// <summary>Namespaces governed by threshold-signed policy documents, through the grains of an initialized cluster.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class PolicyDocumentTests(InitializedClusterFixture fixture) : IDisposable
{
    private readonly PolicyDocumentSigners _signers = new();

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task TheDocumentInForceAdmitsAndALocalRevocationOverridesIt()
    {
        INamespaceGrain ns = await CreateAsync("docs-admit");
        using var workload = new TestWorkload("docs-admit");
        using var stranger = new TestWorkload("docs-admit", image: "not-listed");

        KmsException none = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, none.Kind);
        Assert.Contains("has no policy", none.Message, StringComparison.Ordinal);

        PolicyDocumentRecord applied = await ns.ApplyPolicyDocumentAsync(_signers.Document("docs-admit", 1, workload.Identity), "admin-0");
        Assert.Equal(1, applied.Serial);
        Assert.Equal(1, applied.Identities);
        Assert.Equal(2, applied.Signers.Count);
        (byte[] key, SealedRelease release) = await workload.DeriveAsync(Grains);
        Assert.Equal(32, key.Length);
        Assert.Equal(workload.Identity, release.Identity);
        KmsException unlisted = await Assert.ThrowsAsync<KmsException>(() => stranger.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, unlisted.Kind);
        Assert.Contains("not admitted", unlisted.Message, StringComparison.Ordinal);

        // The emergency brake: recorded although the identity was never added locally, in force for the next request.
        MeasurementRecord revoked = await ns.RevokeMeasurementAsync(workload.Identity, "admin-1");
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal("admin-1", revoked.RevokedBy);
        Assert.Contains(await ns.ListMeasurementsAsync(), m => m.Identity == workload.Identity && m.RevokedAt is not null);
        KmsException braked = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, braked.Kind);
        Assert.Contains("revoked", braked.Message, StringComparison.Ordinal);

        // Re-adding lifts the brake; the document still decides.
        await ns.AddMeasurementAsync(workload.Identity, "brake lifted", "admin-0");
        (byte[] again, _) = await workload.DeriveAsync(Grains);
        Assert.Equal(key, again);

        // A newer document that drops the identity is in force for the next request.
        await ns.ApplyPolicyDocumentAsync(_signers.Document("docs-admit", 2, stranger.Identity), "admin-0");
        KmsException dropped = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(Grains));
        Assert.Equal(KmsErrorKind.PolicyDenied, dropped.Kind);
        (byte[] strangerKey, _) = await stranger.DeriveAsync(Grains);
        Assert.NotEqual(key, strangerKey);
    }

    [Fact]
    public async Task AnExpiredAdmissionIsRefusedAndTheEvidencePolicyStillApplies()
    {
        INamespaceGrain ns = await CreateAsync("docs-expiry");
        using var expired = new TestWorkload("docs-expiry", image: "expired");
        using var current = new TestWorkload("docs-expiry", image: "current");
        long past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        long future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        await ns.ApplyPolicyDocumentAsync(
            _signers.Sign(PolicyDocumentSigners.Body("docs-expiry", 5, (expired.Identity, past), (current.Identity, future)), 1, 2), "admin-0");

        KmsException late = await Assert.ThrowsAsync<KmsException>(() => expired.DeriveAsync(Grains));
        Assert.Contains("until", late.Message, StringComparison.Ordinal);
        await current.DeriveAsync(Grains);

        await ns.SetPolicyAsync(new NamespacePolicy(["tdx"], false, ["UpToDate"]), "admin-0");
        KmsException tee = await Assert.ThrowsAsync<KmsException>(() => current.DeriveAsync(Grains));
        Assert.Contains("does not admit dev evidence", tee.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpdateNeedsAThresholdOfSignersAndAGreaterSerial()
    {
        INamespaceGrain ns = await CreateAsync("docs-update");
        string identity = new('a', 64);
        string body = PolicyDocumentSigners.Body("docs-update", 3, (identity, null));

        await AssertRefusedAsync(ns, _signers.Sign(body, 1), KmsErrorKind.PolicyDenied, "BelowThreshold");
        await AssertRefusedAsync(ns, _signers.Sign(body, 1, 1), KmsErrorKind.PolicyDenied, "BelowThreshold");
        byte[] tampered = _signers.Sign(body, 0, 1);
        tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(tampered).Replace("\"serial\":3", "\"serial\":4", StringComparison.Ordinal));
        await AssertRefusedAsync(ns, tampered, KmsErrorKind.PolicyDenied, "TamperedBody");
        await AssertRefusedAsync(ns, _signers.Document("docs-other", 3, identity), KmsErrorKind.MalformedInput, "NamespaceMismatch");
        await AssertRefusedAsync(ns, "{\"policy\":"u8.ToArray(), KmsErrorKind.MalformedInput, "Malformed");

        Assert.Equal(3, (await ns.ApplyPolicyDocumentAsync(_signers.Sign(body, 0, 1), "admin-0")).Serial);
        await AssertRefusedAsync(ns, _signers.Sign(body, 1, 2), KmsErrorKind.Conflict, "SerialNotIncreasing");
        await AssertRefusedAsync(ns, _signers.Document("docs-update", 2, identity), KmsErrorKind.Conflict, "SerialNotIncreasing");
        Assert.Equal(4, (await ns.ApplyPolicyDocumentAsync(_signers.Document("docs-update", 4, identity), "admin-0")).Serial);

        using var registryWorkload = new TestWorkload("docs-registry");
        INamespaceGrain registry = await fixture.NamespaceWithAsync(registryWorkload);
        KmsException notDocuments = await Assert.ThrowsAsync<KmsException>(
            () => registry.ApplyPolicyDocumentAsync(_signers.Document("docs-registry", 1, identity), "admin-0"));
        Assert.Equal(KmsErrorKind.Conflict, notDocuments.Kind);
    }

    [Fact]
    public async Task RandomAndMutatedEnvelopesAreRefusedWithAClearKind()
    {
        INamespaceGrain ns = await CreateAsync("docs-fuzz");
        byte[] valid = _signers.Document("docs-fuzz", 9, new string('b', 64));
        var random = new Random(1234);
        bool accepted = false;
        for (int i = 0; i < 150; i++)
        {
            byte[] input = i % 3 == 0 ? RandomBytes(random, random.Next(0, 300)) : Mutate(valid, random);
            try
            {
                // Only a mutation that leaves the signed meaning intact (a signature's hex case, say) can be accepted.
                PolicyDocumentRecord record = await ns.ApplyPolicyDocumentAsync(input, "admin-0");
                Assert.Equal((9L, 1), (record.Serial, record.Identities));
                accepted = true;
            }
            catch (KmsException exception)
            {
                Assert.Contains(exception.Kind, new[] { KmsErrorKind.MalformedInput, KmsErrorKind.PolicyDenied, KmsErrorKind.Conflict });
                Assert.StartsWith("The policy document is refused", exception.Message, StringComparison.Ordinal);
            }
        }

        if (!accepted)
        {
            Assert.Equal(9, (await ns.ApplyPolicyDocumentAsync(valid, "admin-0")).Serial);
        }
    }

    [Fact]
    public async Task CreatingANamespaceChecksItsGovernance()
    {
        NamespacePolicy policy = InitializedClusterFixture.DevPolicy;
        await AssertCreateRefusedAsync("docs-no-signers", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0"), "policy signers");
        await AssertCreateRefusedAsync("docs-t0", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", _signers.Set(0)), "threshold");
        await AssertCreateRefusedAsync("docs-t4", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", _signers.Set(4)), "threshold");
        PolicySigners twice = _signers.Set() is var set ? set with { Signers = [.. set.Signers, set.Signers[0]] } : null!;
        await AssertCreateRefusedAsync("docs-twice", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", twice), "listed twice");
        await AssertCreateRefusedAsync(
            "docs-bad-key", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", new([new("ed25519", "zz")], 1)), "Policy signer 0");
        await AssertCreateRefusedAsync(
            "docs-scheme", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", new([new("rsa", new string('a', 64))], 1)), "Unknown signature scheme");
        await AssertCreateRefusedAsync("Docs-Upper", new(NamespaceGovernance.PolicyDocuments, policy, "admin-0", _signers.Set()), "a-z");
        await AssertCreateRefusedAsync("docs-registry-signers", new(NamespaceGovernance.Registry, policy, "admin-0", _signers.Set()), "Only a namespace governed by policy documents");
        await AssertCreateRefusedAsync("docs-onchain-name", new(NamespaceGovernance.Onchain, policy, "admin-0"), "contract's address");
        await AssertCreateRefusedAsync("0x" + new string('1', 40), new(NamespaceGovernance.Onchain, policy, "admin-0"), "no governance RPC endpoint");
        await AssertCreateRefusedAsync("docs-unknown", new((NamespaceGovernance)7, policy, "admin-0"), "Unknown governance");

        NamespaceInfo created = await (await CreateAsync("docs-created")).GetAsync();
        Assert.Equal(NamespaceGovernance.PolicyDocuments, created.Governance);
    }

    public void Dispose() => _signers.Dispose();

    private async Task<INamespaceGrain> CreateAsync(string name)
    {
        INamespaceGrain ns = Grains.GetGrain<INamespaceGrain>(name);
        await ns.CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.PolicyDocuments, InitializedClusterFixture.DevPolicy, "admin-0", _signers.Set()));
        return ns;
    }

    private async Task AssertCreateRefusedAsync(string name, NamespaceCreateRequest request, string expected)
    {
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => Grains.GetGrain<INamespaceGrain>(name).CreateAsync(request));
        Assert.Equal(KmsErrorKind.MalformedInput, refused.Kind);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KmsException>(() => Grains.GetGrain<INamespaceGrain>(name).GetAsync());
    }

    private static async Task AssertRefusedAsync(INamespaceGrain ns, byte[] envelope, KmsErrorKind kind, string reason)
    {
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => ns.ApplyPolicyDocumentAsync(envelope, "admin-0"));
        Assert.Equal(kind, refused.Kind);
        Assert.Contains($"({reason})", refused.Message, StringComparison.Ordinal);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        byte[] copy = (byte[])valid.Clone();
        for (int flips = random.Next(1, 4); flips > 0; flips--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? copy[..random.Next(copy.Length)] : copy;
    }
}
