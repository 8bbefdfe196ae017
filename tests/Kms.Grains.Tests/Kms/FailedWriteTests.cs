using Kms.Grains.Secrets;
using Kms.Grains.Tests.Cluster;
using Orleans.Storage;

namespace Kms.Grains.Tests.Kms;

/// <summary>A grain whose write fails does not go on answering from the change it could not store.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class FailedWriteTests(InitializedClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AfterAFailedWriteTheGrainAnswersFromTheStoredState()
    {
        using var workload = new TestWorkload("failed-writes");
        await fixture.NamespaceWithAsync(workload);
        INamespaceSecretGrain secret = fixture.Grains.GetGrain<INamespaceSecretGrain>("failed-writes/token");
        string[] before = Directory.GetFiles(fixture.Cluster.StateDirectory, "*", SearchOption.AllDirectories);
        await secret.PutAsync([1, 2, 3], "admin-0");
        string file = Assert.Single(Directory.GetFiles(fixture.Cluster.StateDirectory, "*", SearchOption.AllDirectories).Except(before));
        byte[] storedVersion1 = File.ReadAllBytes(file);

        // The store fails (its file is replaced by a directory): the write of version 2 fails with an I/O error.
        File.Delete(file);
        Directory.CreateDirectory(file);
        await Assert.ThrowsAnyAsync<Exception>(() => secret.PutAsync([4, 5, 6, 7], "admin-0"));
        Directory.Delete(file);
        File.WriteAllBytes(file, storedVersion1);

        // The activation that held the unstored version 2 is gone; the next one reads version 1 from the store.
        SecretVersionInfo info = await Poll.UntilSucceedsAsync(
            async () => await secret.GetInfoAsync() is { Version: 1 } current ? current : throw new InvalidOperationException("still the unstored version"),
            s_timeout);
        Assert.Equal(3, info.Length);
    }

    [Fact]
    public async Task AnETagConflictAlsoEndsTheActivation()
    {
        using var workload = new TestWorkload("conflicting-writes");
        await fixture.NamespaceWithAsync(workload);
        INamespaceSecretGrain secret = fixture.Grains.GetGrain<INamespaceSecretGrain>("conflicting-writes/token");
        await secret.PutAsync([1, 2, 3], "admin-0");

        // Another writer stores version 7 behind the activation's back: its next write conflicts.
        IGrainStorage storage = fixture.Cluster.Storage(GrainStorageNames.Kms);
        var stored = new GrainState<NamespaceSecretState>(new NamespaceSecretState());
        await storage.ReadStateAsync("secret", secret.GetGrainId(), stored);
        stored.State!.Version = 7;
        await storage.WriteStateAsync("secret", secret.GetGrainId(), stored);

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => secret.PutAsync([4, 5, 6], "admin-0"));
        Assert.NotNull(Poll.FindInChain<InconsistentStateException>(error));
        SecretVersionInfo info = await Poll.UntilSucceedsAsync(
            async () => await secret.GetInfoAsync() is { Version: 7 } current ? current : throw new InvalidOperationException("still the old activation"),
            s_timeout);
        Assert.Equal(3, info.Length);
    }
}
