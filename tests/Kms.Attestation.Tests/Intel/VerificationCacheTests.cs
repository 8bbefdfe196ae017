using Kms.Attestation.Intel;

namespace Kms.Attestation.Tests.Intel;

public sealed class VerificationCacheTests
{
    [Fact]
    public void EntriesAreReturnedOnlyForTheExactBytesTheyWereDerivedFrom()
    {
        VerificationCache cache = new(capacity: 4);
        int derivations = 0;
        object Derive() => new object[] { ++derivations };

        object first = cache.GetOrAdd("k", [1, 2, 3], [], Derive);
        Assert.Same(first, cache.GetOrAdd("k", [1, 2, 3], [], Derive));
        Assert.NotSame(first, cache.GetOrAdd("k", [1, 2, 4], [], Derive));
        Assert.NotSame(first, cache.GetOrAdd("other", [1, 2, 3], [], Derive));
        Assert.NotSame(first, cache.GetOrAdd("k", [1, 2], [3], Derive));
        Assert.Equal(4, derivations);
    }

    [Fact]
    public void FailedDerivationsAreNotCachedAndTheCacheStaysBounded()
    {
        VerificationCache cache = new(capacity: 3);
        Assert.Throws<InvalidOperationException>(() => cache.GetOrAdd<object>("k", [9], [], () => throw new InvalidOperationException()));
        Assert.Equal(0, cache.Count);
        for (byte i = 0; i < 50; i++)
        {
            cache.GetOrAdd("k", [i], [], () => new object());
            Assert.True(cache.Count <= 3);
        }
    }

    [Fact]
    public void LongInputsThatDifferOutsideTheHashedSampleAreStillDifferentEntries()
    {
        VerificationCache cache = new();
        byte[] a = new byte[20_000];
        Random.Shared.NextBytes(a);
        int derivations = 0;
        object Derive() => new object[] { ++derivations };
        object first = cache.GetOrAdd("k", a, [], Derive);
        Assert.Same(first, cache.GetOrAdd("k", (byte[])a.Clone(), [], Derive));
        for (int offset = 129; offset < a.Length - 129; offset += 997)
        {
            byte[] b = (byte[])a.Clone();
            b[offset] ^= 1;
            Assert.NotSame(first, cache.GetOrAdd("k", b, [], Derive));
            first = cache.GetOrAdd("k", a, [], Derive);
        }
    }
}
