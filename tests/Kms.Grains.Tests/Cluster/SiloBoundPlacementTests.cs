using Kms.Grains.Placement;

namespace Kms.Grains.Tests.Cluster;

/// <summary>Silo-bound placement on a healthy three-silo cluster.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class SiloBoundPlacementTests(KmsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    [Theory]
    [InlineData("Primary")]
    [InlineData("Secondary_1")]
    [InlineData("Secondary_2")]
    public async Task AGrain_ActivatesOnTheSiloItsKeyNames(string siloName)
    {
        string[] hosts = await Task.WhenAll(Enumerable.Range(0, 8).Select(
            index => Grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create(siloName, $"share-{index}")).GetSiloNameAsync()));

        Assert.All(hosts, host => Assert.Equal(siloName, host));
    }

    [Theory]
    [InlineData("no-silo-name")]
    [InlineData("/starts-with-a-slash")]
    public async Task AKeyWithoutASiloName_FailsWithAClearError(string key)
    {
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => Grains.GetGrain<ISiloBoundGrain>(key).GetSiloNameAsync());

        ArgumentException? argument = Poll.FindInChain<ArgumentException>(error);
        Assert.NotNull(argument);
        Assert.Contains("does not start with '<silo name>/'", argument.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyNamingNoMember_FailsWithOwnerSiloUnavailable()
    {
        Exception error = await Assert.ThrowsAnyAsync<Exception>(
            () => Grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create("not-a-member", "x")).GetSiloNameAsync());

        OwnerSiloUnavailableException? unavailable = Poll.FindInChain<OwnerSiloUnavailableException>(error);
        Assert.NotNull(unavailable);
        Assert.Equal("not-a-member", unavailable.SiloName);
        Assert.Contains("'not-a-member'", unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSelfCheck_RefusesAnActivationOnAnotherSilo_AndAcceptsItsOwn()
    {
        ISiloBoundGrain onSecondary1 = Grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create("Secondary_1", "caller"));

        Exception error = await Assert.ThrowsAnyAsync<Exception>(
            () => onSecondary1.CallMisplacedAsync(SiloBoundKey.Create("Secondary_2", Guid.NewGuid().ToString("N"))));

        InvalidOperationException? refused = Poll.FindInChain<InvalidOperationException>(error);
        Assert.NotNull(refused);
        Assert.Contains("bound to silo 'Secondary_2' and refuses to activate on silo 'Secondary_1'", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Secondary_1", await onSecondary1.CallMisplacedAsync(SiloBoundKey.Create("Secondary_1", Guid.NewGuid().ToString("N"))));
        var unbound = Assert.Throws<InvalidOperationException>(() => SiloBoundKey.EnsureHostedBy(GrainId.Create("share", "no-silo"), "Primary"));
        Assert.Contains("does not start with '<silo name>/'", unbound.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMigrationRequest_DoesNotMoveAGrainOffItsSilo()
    {
        ISiloBoundGrain grain = Grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create("Secondary_2", "migrate"));
        Assert.Equal("Secondary_2", await grain.GetSiloNameAsync());
        SiloAddress elsewhere = fixture.Cluster.Silo("Primary").SiloAddress;

        // MigrateAsync completes when the activation has left its silo; silo-bound placement sends the migration back
        // to the same silo, which Orleans treats as no migration, so it does not complete: give it a bounded time.
        Task migration = fixture.Cluster.Cluster.MigrateAsync(grain, elsewhere);
        await Assert.ThrowsAsync<TimeoutException>(() => migration.WaitAsync(TimeSpan.FromSeconds(3)));

        Assert.Equal("Secondary_2", await grain.GetSiloNameAsync());

        // The control: the same request moves an ordinary grain.
        ILocalCounterGrain ordinary = Grains.GetGrain<ILocalCounterGrain>("migrates-" + Guid.NewGuid().ToString("N"));
        await grain.PlaceLocalCounterAsync(ordinary.GetPrimaryKeyString(), value: 1);
        await fixture.Cluster.Cluster.MigrateAsync(ordinary, elsewhere).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Primary", (await ordinary.GetAsync()).SiloName);
    }
}
