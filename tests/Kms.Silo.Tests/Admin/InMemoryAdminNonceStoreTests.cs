using Kms.Api;
using Kms.Api.Admin;
using Microsoft.Extensions.Options;

namespace Kms.Silo.Tests.Admin;

public sealed class InMemoryAdminNonceStoreTests
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public async Task ANonce_IsAcceptedOncePerKey()
    {
        var clock = new ManualTimeProvider(s_start);
        InMemoryAdminNonceStore store = Create(clock, capacity: 10);

        Assert.True(await store.TryUseAsync("a", "n1", s_start.AddMinutes(5), default));
        Assert.False(await store.TryUseAsync("a", "n1", s_start.AddMinutes(5), default));
        Assert.True(await store.TryUseAsync("b", "n1", s_start.AddMinutes(5), default));
        Assert.True(await store.TryUseAsync("a", "n2", s_start.AddMinutes(5), default));
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public async Task WhenFullOfLiveNonces_ItRefusesNewOnes_AndStillRecognisesReplays()
    {
        var clock = new ManualTimeProvider(s_start);
        InMemoryAdminNonceStore store = Create(clock, capacity: 2);
        Assert.True(await store.TryUseAsync("a", "n1", s_start.AddMinutes(5), default));
        Assert.True(await store.TryUseAsync("a", "n2", s_start.AddMinutes(10), default));

        ApiProblemException full = await Assert.ThrowsAsync<ApiProblemException>(
            () => store.TryUseAsync("a", "n3", s_start.AddMinutes(5), default).AsTask());
        Assert.Equal(ApiErrorKind.DependencyUnavailable, full.Kind);
        Assert.Equal(InMemoryAdminNonceStore.FullReason, full.Reason);
        Assert.False(await store.TryUseAsync("a", "n1", s_start.AddMinutes(5), default));

        // The earliest expiry goes first; the other nonce is still remembered.
        clock.Now = s_start.AddMinutes(5);
        Assert.True(await store.TryUseAsync("a", "n3", s_start.AddMinutes(10), default));
        Assert.False(await store.TryUseAsync("a", "n2", s_start.AddMinutes(10), default));
        Assert.Equal(2, store.Count);

        clock.Now = s_start.AddMinutes(10);
        Assert.True(await store.TryUseAsync("a", "n4", s_start.AddMinutes(15), default));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task ConcurrentUsesOfOneNonce_AcceptExactlyOne()
    {
        InMemoryAdminNonceStore store = Create(new ManualTimeProvider(s_start), capacity: 100);

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
            Task.Run(async () => await store.TryUseAsync("a", "same", s_start.AddMinutes(5), default))));

        Assert.Single(results, accepted => accepted);
    }

    [Fact]
    public void Options_OutsideTheirLimits_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(TimeProvider.System, capacity: 0));
        Assert.NotNull(new AdminAuthenticationOptions { MaxClockSkew = TimeSpan.Zero }.Validate());
        Assert.NotNull(new AdminAuthenticationOptions { MaxClockSkew = TimeSpan.FromHours(2) }.Validate());
        Assert.NotNull(new AdminAuthenticationOptions { MaxBodyBytes = 0 }.Validate());
        Assert.NotNull(new AdminAuthenticationOptions { MaxBodyBytes = 65 * 1024 * 1024 }.Validate());
        Assert.Null(new AdminAuthenticationOptions().Validate());
    }

    private static InMemoryAdminNonceStore Create(TimeProvider clock, int capacity) =>
        new(Options.Create(new AdminAuthenticationOptions { NonceStoreCapacity = capacity }), clock);
}
