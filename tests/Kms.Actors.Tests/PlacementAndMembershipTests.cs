using Kms.Actors.Membership;
using Kms.Actors.Placement;

namespace Kms.Actors.Tests;

public sealed class PlacementAndMembershipTests
{
    [Theory]
    [InlineData("counter", "alice", 0x343836f653c6cffeUL)]
    [InlineData("Kms.Grains.NamespaceGrain", "ns/prod", 0xd0a5a9c840d47d95UL)]
    public void GrainIdHashIsStableAcrossProcessesAndVersions(string type, string key, ulong expected)
    {
        // Expected values computed independently: python3 hashlib.sha256(u32be(len(type)) + type + key)[:8], big-endian.
        Assert.Equal(expected, new GrainId(type, key).GetStableHash());
    }

    [Fact]
    public void GrainIdHashSeparatesTypeFromKey()
        => Assert.NotEqual(new GrainId("ab", "c").GetStableHash(), new GrainId("a", "bc").GetStableHash());

    [Fact]
    public void RendezvousPlacementMovesOnlyTheGrainsOfARemovedSilo()
    {
        MembershipEntry[] silos = [.. Enumerable.Range(1, 5).Select(i => Entry($"silo-{i}", 1000 + i))];
        GrainId[] grains = [.. Enumerable.Range(0, 2000).Select(i => new GrainId("g", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        SiloAddress[] before = [.. grains.Select(g => PlacementDirector.SelectByRendezvousHash(g, silos))];

        MembershipEntry[] survivors = [.. silos.Where(s => s.SiloName != "silo-3")];
        SiloAddress[] after = [.. grains.Select(g => PlacementDirector.SelectByRendezvousHash(g, survivors))];

        for (int i = 0; i < grains.Length; i++)
        {
            if (before[i] != silos[2].Address)
            {
                Assert.Equal(before[i], after[i]);
            }
        }

        // And the load is spread: every silo gets a fair share (2000 / 5 = 400 expected).
        Assert.All(silos, s => Assert.InRange(before.Count(a => a == s.Address), 300, 500));
    }

    [Fact]
    public void PinnedPlacementNeedsTheNamedSiloActive()
    {
        MembershipEntry[] active = [Entry("silo-1", 1), Entry("silo-2", 2)];

        Assert.Equal(active[1].Address, PlacementDirector.SelectPinned(new GrainId("share", "silo-2/k"), active));
        Assert.Throws<SiloUnavailableException>(() => PlacementDirector.SelectPinned(new GrainId("share", "silo-3"), active));
        Assert.Throws<SiloUnavailableException>(() => PlacementDirector.SelectByRendezvousHash(new GrainId("g", "k"), []));
    }

    [Fact]
    public async Task MembershipTableWritesAreCompareAndSetOnTableVersionAndRowETag()
    {
        var table = new InMemoryMembershipTable();
        MembershipEntry silo1 = Entry("silo-1", 1) with { Status = SiloStatus.Joining };

        Assert.True(await table.InsertRowAsync(silo1, 0, default));
        Assert.False(await table.InsertRowAsync(silo1, 1, default));              // duplicate address
        Assert.False(await table.InsertRowAsync(Entry("silo-2", 2), 0, default)); // stale table version

        MembershipTableSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(1, snapshot.Version);
        string etag = snapshot.Entries[0].ETag;
        Assert.True(await table.UpdateRowAsync(silo1 with { Status = SiloStatus.Active }, etag, 1, default));
        Assert.False(await table.UpdateRowAsync(silo1 with { Status = SiloStatus.Dead }, etag, 2, default)); // stale row ETag
        Assert.False(await table.UpdateRowAsync(silo1 with { Status = SiloStatus.Dead }, (await table.ReadAllAsync(default)).Entries[0].ETag, 1, default)); // stale table version

        await table.UpdateIAmAliveAsync(silo1.Address, DateTimeOffset.UnixEpoch.AddDays(1), default);
        snapshot = await table.ReadAllAsync(default);
        Assert.Equal(2, snapshot.Version); // heartbeats bump nothing
        Assert.Equal(SiloStatus.Active, snapshot.StatusOf(silo1.Address));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), snapshot.Entries[0].Entry.IAmAliveTime);
    }

    [Fact]
    public async Task ConcurrentUpdatesOfOneVersionHaveOneWinner()
    {
        var table = new InMemoryMembershipTable();
        await table.InsertRowAsync(Entry("silo-1", 1), 0, default);
        MembershipTableSnapshot snapshot = await table.ReadAllAsync(default);

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            table.UpdateRowAsync(snapshot.Entries[0].Entry with { Status = SiloStatus.Dead }, snapshot.Entries[0].ETag, snapshot.Version, default))));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task SiloNamesMustBeUniqueAmongLiveSilos()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Kms.Actors.Testing.TestCluster.StartAsync(new Kms.Actors.Testing.TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = silo =>
            {
                silo.MembershipTable = cluster.MembershipTable;
                silo.SiloName = "silo-1";
            },
        }));
        Assert.Contains("already used", ex.Message);
    }

    private static MembershipEntry Entry(string name, long generation)
        => new(new SiloAddress("127.0.0.1", 1000, generation), name, SiloStatus.Active, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
