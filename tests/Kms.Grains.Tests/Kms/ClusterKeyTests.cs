using Kms.Crypto.Sharing;
using Kms.Grains.Cluster;
using Kms.Grains.KeyShares;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Tests.Kms;

/// <summary>The root key on three silos: dealt 2 of 3, evaluated by threshold, refreshed, reshared and recovered.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class ClusterKeyTests(InitializedClusterFixture fixture)
{
    private IClusterGrain ClusterGrain => fixture.Grains.GetGrain<IClusterGrain>(IClusterGrain.Key);

    [Fact]
    public async Task InitDealsOneShareToEachSiloAndReturnsSealedRecoveryShares()
    {
        ClusterStatus status = await ClusterGrain.GetStatusAsync();
        Assert.Equal(ClusterState.Active, status.State);
        Assert.Equal(2, status.Threshold);
        Assert.Equal(fixture.Cluster.Cluster.Silos.Select(s => s.Name).Order(), status.Committee.Select(m => m.SiloName));
        Assert.Equal([1, 2, 3], status.Committee.Select(m => m.ShareIndex));
        Assert.Equal(["admin-0", "admin-1"], status.Admins);
        Assert.Equal(2, fixture.Init.RecoveryShares.Count);

        // Each holder answers with public facts only, and its public share is on the committed polynomial.
        Committee committee = await ClusterGrain.GetCommitteeAsync();
        var commitments = FeldmanCommitments.Decode(committee.Commitments);
        foreach (CommitteeMember member in committee.Members)
        {
            KeyShareInfo? info = await fixture.Grains.GetGrain<IKeyShareGrain>($"{member.SiloName}/{committee.Epoch}").GetInfoAsync();
            Assert.NotNull(info);
            Assert.Equal(Crypto.P256.P256Curve.EncodePoint(commitments.PublicShare(member.ShareIndex)), info.PublicShare);
        }
    }

    [Fact]
    public async Task SecondInitIsAConflict()
    {
        var error = await Assert.ThrowsAsync<KmsException>(() => ClusterGrain.InitializeAsync(new ClusterInitRequest(2, [], fixture.Admins.Keys, 0)));
        Assert.Equal(KmsErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task ThresholdNamespaceKeyIsTheOprfOfTheRecoveredRootKey()
    {
        using var workload = new TestWorkload("oprf-check");
        await fixture.NamespaceWithAsync(workload);
        (byte[] released, _) = await workload.DeriveAsync(fixture.Grains);

        Assert.Equal(ExpectedDerivedKey("oprf-check", 0, workload.Identity, "disk", 1), released);
    }

    [Fact]
    public async Task RefreshMovesToANewEpochWithTheSameRootKey()
    {
        ClusterStatus before = await ClusterGrain.GetStatusAsync();
        ClusterStatus after = await ClusterGrain.RefreshAsync();

        Assert.True(after.Epoch > before.Epoch);
        Assert.Equal(before.GroupPublicKey, after.GroupPublicKey);
        Assert.Null(after.LastRefreshError);

        // The old epoch's shares are wiped; a namespace created now is evaluated by the new holders.
        Assert.Null(await fixture.Grains.GetGrain<IKeyShareGrain>($"{before.Committee[0].SiloName}/{before.Epoch}").GetInfoAsync());
        using var workload = new TestWorkload("after-refresh");
        await fixture.NamespaceWithAsync(workload);
        (byte[] released, _) = await workload.DeriveAsync(fixture.Grains);
        Assert.Equal(ExpectedDerivedKey("after-refresh", 0, workload.Identity, "disk", 1), released);
    }

    [Fact]
    public async Task ReshareToThreeOfThreeKeepsTheKeyAndBack()
    {
        ClusterStatus before = await ClusterGrain.GetStatusAsync();
        ClusterStatus three = await ClusterGrain.ReshareAsync([], 3);
        Assert.Equal(3, three.Threshold);
        Assert.Equal(before.GroupPublicKey, three.GroupPublicKey);

        ClusterStatus back = await ClusterGrain.ReshareAsync([], 2);
        Assert.Equal(2, back.Threshold);
        Assert.Equal(before.GroupPublicKey, back.GroupPublicKey);
    }

    [Fact]
    public async Task RecoveryFromAdminSharesRestoresTheSameNamespaceKeys()
    {
        using var workload = new TestWorkload("recovered");
        await fixture.NamespaceWithAsync(workload);
        (byte[] before, _) = await workload.DeriveAsync(fixture.Grains, name: "before-recovery");

        ClusterStatus status = await ClusterGrain.RecoverAsync(
            new ClusterRecoverRequest(fixture.Admins.OpenShares(fixture.Init.RecoveryShares), 2, [], []));
        Assert.Equal(ClusterState.Active, status.State);

        // A namespace created after recovery is evaluated by the newly dealt shares of the same key.
        using var later = new TestWorkload("created-after-recovery");
        await fixture.NamespaceWithAsync(later);
        (byte[] laterKey, _) = await later.DeriveAsync(fixture.Grains);
        Assert.Equal(ExpectedDerivedKey("created-after-recovery", 0, later.Identity, "disk", 1), laterKey);
        Assert.Equal(ExpectedDerivedKey("recovered", 0, workload.Identity, "before-recovery", 1), before);
    }

    [Fact]
    public async Task RecoveryWithTooFewOrForeignSharesIsRefused()
    {
        List<byte[]> shares = fixture.Admins.OpenShares(fixture.Init.RecoveryShares);
        var tooFew = await Assert.ThrowsAsync<KmsException>(() => ClusterGrain.RecoverAsync(new ClusterRecoverRequest([shares[0]], 2, [], [])));
        Assert.Equal(KmsErrorKind.MalformedInput, tooFew.Kind);

        byte[][] foreign = VaultShamir.Split(Crypto.P256.P256Curve.EncodeScalar(Crypto.P256.P256Curve.RandomNonZeroScalar()), 2, 2);
        var wrongKey = await Assert.ThrowsAsync<KmsException>(() => ClusterGrain.RecoverAsync(new ClusterRecoverRequest(foreign, 2, [], [])));
        Assert.Equal(KmsErrorKind.PolicyDenied, wrongKey.Kind);
        Assert.Equal(ClusterState.Active, (await ClusterGrain.GetStatusAsync()).State);
    }

    [Fact]
    public async Task BadPartialsAreNamedAndSkippedWhileEnoughRemain()
    {
        Committee committee = await ClusterGrain.GetCommitteeAsync();
        var evaluator = new NamespaceKeyEvaluator(fixture.Grains, TimeSpan.FromSeconds(5));

        // A holder listed under another index answers with a partial that does not verify for that index.
        CommitteeMember[] oneWrong = [committee.Members[0] with { ShareIndex = 9 }, .. committee.Members.Skip(1)];
        byte[] key = await evaluator.EvaluateAsync(committee with { Members = oneWrong }, "partials", 0, default);
        Assert.Equal(DirectNamespaceKey("partials", 0), key);

        CommitteeMember[] twoWrong = [committee.Members[0] with { ShareIndex = 9 }, committee.Members[1] with { ShareIndex = 8 }, committee.Members[2]];
        var error = await Assert.ThrowsAsync<KmsException>(() => evaluator.EvaluateAsync(committee with { Members = twoWrong }, "partials", 0, default));
        Assert.Equal(KmsErrorKind.Unavailable, error.Kind);
        Assert.Contains(committee.Members[0].SiloName, error.Message, StringComparison.Ordinal);
        Assert.Contains(committee.Members[1].SiloName, error.Message, StringComparison.Ordinal);

        CommitteeMember[] missing = [new CommitteeMember("no-such-silo", 1), .. committee.Members.Skip(1)];
        Assert.Equal(DirectNamespaceKey("partials", 1), await evaluator.EvaluateAsync(committee with { Members = missing }, "partials", 1, default));
    }

    private ExpectedKeys Expected => new(fixture.Admins, fixture.Init.RecoveryShares);

    private byte[] DirectNamespaceKey(string ns, long epoch) => Expected.Namespace(ns, epoch);

    private byte[] ExpectedDerivedKey(string ns, long epoch, string identity, string name, uint version) =>
        Expected.Derived(ns, epoch, identity, name, version);
}

[CollectionDefinition(Name)]
public sealed class InitializedClusterCollection : ICollectionFixture<InitializedClusterFixture>
{
    public const string Name = "initialized three-silo cluster";
}
