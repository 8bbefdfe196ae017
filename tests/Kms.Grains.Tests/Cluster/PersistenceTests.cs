using Kms.Grains.Storage;
using Orleans.Storage;

namespace Kms.Grains.Tests.Cluster;

/// <summary>Grain state through the sealed KMS storage over the file store: durable, version-checked, ciphertext only.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class PersistenceTests(KmsClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private KmsTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task State_SurvivesDeactivation_AndIsReadByTheNextActivation()
    {
        string key = "durable-" + Guid.NewGuid().ToString("N");
        IRandomCounterGrain grain = Cluster.GrainFactory.GetGrain<IRandomCounterGrain>(key);
        byte[] secret = "kept across activations"u8.ToArray();
        await grain.IncrementSlowlyAsync();
        await grain.IncrementSlowlyAsync();
        await grain.SetSecretAsync(secret);
        GrainSnapshot before = await grain.GetAsync();

        await grain.DeactivateAsync();
        GrainSnapshot after = await Poll.UntilSucceedsAsync(async () =>
        {
            GrainSnapshot snapshot = await grain.GetAsync();
            return snapshot.ActivationId != before.ActivationId ? snapshot : throw new InvalidOperationException("still the first activation");
        }, s_timeout);

        Assert.Equal(2, after.Value);
        Assert.Equal(secret, after.Secret);
        Assert.Equal(2, GrainProbe.Activations(key));
    }

    [Fact]
    public async Task AStaleViewOfTheState_CannotWrite_AndLosesNothing()
    {
        IRandomCounterGrain grain = Cluster.GrainFactory.GetGrain<IRandomCounterGrain>("stale-view-" + Guid.NewGuid().ToString("N"));
        await grain.IncrementSlowlyAsync();

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => grain.WriteThroughStaleViewAsync());

        Assert.NotNull(Poll.FindInChain<InconsistentStateException>(error));
        GrainSnapshot snapshot = await Poll.UntilSucceedsAsync(() => grain.GetAsync(), s_timeout);
        Assert.Equal(1, snapshot.Value);
    }

    [Fact]
    public async Task ADirectStorageWrite_WithAnOldETag_Conflicts()
    {
        IRandomCounterGrain grain = Cluster.GrainFactory.GetGrain<IRandomCounterGrain>("stale-etag-" + Guid.NewGuid().ToString("N"));
        await grain.IncrementSlowlyAsync();
        IGrainStorage storage = Cluster.Storage(GrainStorageNames.Kms);
        var view = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("counter", grain.GetGrainId(), view);
        string? oldETag = view.ETag;

        await grain.IncrementSlowlyAsync();
        view.State!.Value = 1000;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("counter", grain.GetGrainId(), view));

        Assert.Equal(oldETag, conflict.CurrentEtag);
        Assert.NotEqual(oldETag, conflict.StoredEtag);
        var fresh = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("counter", grain.GetGrainId(), fresh);
        Assert.Equal(2, fresh.State!.Value);
        Assert.Equal(conflict.StoredEtag, fresh.ETag);
    }

    [Fact]
    public async Task SealedState_IsNotReadableInTheUnderlyingStore_OrItsFiles()
    {
        byte[] secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(48);
        IRandomCounterGrain grain = Cluster.GrainFactory.GetGrain<IRandomCounterGrain>("sealed-" + Guid.NewGuid().ToString("N"));
        await grain.SetSecretAsync(secret);
        IGrainStorage store = Cluster.Storage(KmsSiloConfigurator.StoreName);

        var raw = new GrainState<SealedGrainState>(new SealedGrainState());
        await store.ReadStateAsync("counter", grain.GetGrainId(), raw);

        Assert.True(raw.RecordExists);
        Assert.True(raw.State!.Sealed.Length > secret.Length);
        Assert.True(raw.State.Sealed.AsSpan().IndexOf(secret) < 0, "the store holds the secret in plaintext");
        Assert.False(AnyStateFileContains(secret), "a state file holds the secret in plaintext");

        // The scan can see plaintext: the same bytes written to the store without the sealing layer are found.
        var control = Cluster.GrainFactory.GetGrain<IRandomCounterGrain>("unsealed-control-" + Guid.NewGuid().ToString("N"));
        await store.WriteStateAsync("counter", control.GetGrainId(), new GrainState<CounterState>(new CounterState { Secret = secret }));
        Assert.True(AnyStateFileContains(secret));
        Assert.Equal(secret, (await grain.GetAsync()).Secret);
    }

    private bool AnyStateFileContains(byte[] secret)
        => Directory.EnumerateFiles(Cluster.StateDirectory)
            .Any(file => File.ReadAllBytes(file).AsSpan().IndexOf(secret) >= 0);
}
