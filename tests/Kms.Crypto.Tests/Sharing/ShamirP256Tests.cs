using System.Security.Cryptography;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;

namespace Kms.Crypto.Tests.Sharing;

public class ShamirP256Tests
{
    private static readonly byte[] s_secret = Convert.FromHexString("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");

    [Fact]
    public void AnyThresholdSubsetReconstructsTheSecret()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        Assert.Equal(5, split.Shares.Count);
        Assert.Equal(3, split.Commitments.Threshold);
        foreach (int[] subset in Subsets(5, 3))
        {
            byte[] recovered = ShamirP256.Combine(subset.Select(i => split.Shares[i]));
            Assert.Equal(s_secret, recovered);
            Assert.Equal(s_secret, ShamirP256.Combine(subset.Select(i => split.Shares[i]), split.Commitments));
        }
    }

    [Fact]
    public void FewerThanThresholdSharesDoNotReconstruct()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        Assert.NotEqual(s_secret, ShamirP256.Combine(split.Shares.Take(2)));
        var ex = Assert.Throws<ShareVerificationException>(() => ShamirP256.Combine(split.Shares.Take(2), split.Commitments));
        Assert.Empty(ex.RejectedIndices);
    }

    [Fact]
    public void GroupPublicKeyIsSecretTimesGenerator()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        // Public key of the RFC 6979 A.2.5 P-256 test key (x = c9af...6721): Ux = 60fed4ba...
        Assert.Equal(
            "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
            Convert.ToHexStringLower(P256Curve.EncodePoint(split.Commitments.GroupPublicKey)));
    }

    [Fact]
    public void EveryShareVerifiesAndATamperedShareIsRejected()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        Assert.All(split.Shares, s => Assert.True(ShamirP256.VerifyShare(s, split.Commitments)));

        byte[] encoded = split.Shares[1].Encode();
        encoded[^1] ^= 1;
        ScalarShare tampered = ScalarShare.Decode(encoded);
        Assert.False(ShamirP256.VerifyShare(tampered, split.Commitments));

        var ex = Assert.Throws<ShareVerificationException>(
            () => ShamirP256.Combine([split.Shares[0], tampered, split.Shares[2]], split.Commitments));
        Assert.Equal([2], ex.RejectedIndices);
        // With a spare valid share the bad one is skipped.
        Assert.Equal(s_secret, ShamirP256.Combine([split.Shares[0], tampered, split.Shares[2], split.Shares[4]], split.Commitments));
    }

    [Fact]
    public void ShareFromAnotherSharingDoesNotVerify()
    {
        ShamirSplit a = ShamirP256.Split(s_secret, 2, 3);
        ShamirSplit b = ShamirP256.Split(s_secret, 2, 3);
        Assert.False(b.Commitments.Verify(a.Shares[0]));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(4, 3)]
    [InlineData(2, 256)]
    [InlineData(0, 0)]
    public void InvalidParametersAreRejected(int t, int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ShamirP256.Split(s_secret, t, n));

    [Fact]
    public void OneOfOneIsTheSecretItself()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 1, 1);
        Assert.Equal(s_secret, split.Shares[0].ExportValue());
        Assert.True(ShamirP256.VerifyShare(split.Shares[0], split.Commitments));
        Assert.Equal(s_secret, ShamirP256.Combine(split.Shares, split.Commitments));
    }

    [Fact]
    public void InvalidSecretsAreRejected()
    {
        Assert.Throws<CryptographicFormatException>(() => ShamirP256.Split(new byte[32], 2, 3));
        Assert.Throws<CryptographicFormatException>(() => ShamirP256.Split(new byte[31], 2, 3));
        byte[] order = Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        Assert.Throws<CryptographicFormatException>(() => ShamirP256.Split(order, 2, 3));
    }

    [Fact]
    public void CombineRejectsDuplicateIndices()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        Assert.Throws<ArgumentException>(() => ShamirP256.Combine([split.Shares[0], split.Shares[0]]));
        Assert.Throws<ArgumentException>(() => ShamirP256.Combine([split.Shares[0], split.Shares[0]], split.Commitments));
        Assert.Throws<ArgumentException>(() => ShamirP256.Combine([]));
    }

    [Fact]
    public void GenerateAndSplitProducesAConsistentSharing()
    {
        ShamirSplit split = ShamirP256.GenerateAndSplit(4, 7);
        byte[] secret = ShamirP256.Combine(split.Shares.Skip(3), split.Commitments);
        Assert.Equal(split.Commitments.GroupPublicKey, P256Curve.MultiplyGenerator(P256Curve.DecodeScalar(secret)));
        CryptographicOperations.ZeroMemory(secret);
    }

    [Fact]
    public void ShareRoundTripsAndHidesItsValue()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        ScalarShare share = split.Shares[2];
        byte[] encoded = share.Encode();
        Assert.Equal(ScalarShare.EncodedSize, encoded.Length);
        Assert.Equal(new byte[] { 0, 3 }, encoded[..2]);
        Assert.Equal(share, ScalarShare.Decode(encoded));
        Assert.NotEqual(split.Shares[1], share);
        Assert.DoesNotContain(Convert.ToHexString(share.ExportValue()), share.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("ScalarShare { Index = 3 }", share.ToString());
    }

    [Fact]
    public void CommitmentsRoundTrip()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        byte[] encoded = split.Commitments.Encode();
        Assert.Equal(2 + (3 * 33), encoded.Length);
        FeldmanCommitments decoded = FeldmanCommitments.Decode(encoded);
        Assert.Equal(split.Commitments, decoded);
        Assert.All(split.Shares, s => Assert.True(decoded.Verify(s)));
    }

    internal static IEnumerable<int[]> Subsets(int n, int k)
    {
        for (int mask = 0; mask < (1 << n); mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) == k)
            {
                yield return Enumerable.Range(0, n).Where(i => (mask & (1 << i)) != 0).ToArray();
            }
        }
    }
}
