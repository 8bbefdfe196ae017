using Kms.Crypto.P256;
using Kms.Crypto.Sharing;

namespace Kms.Crypto.Tests.Sharing;

public class SharingParserTests
{
    private static readonly byte[] s_secret = Convert.FromHexString("0f56db78ca460b055c500064824bed999a25aaf48ebb519ac201537b85479813");

    [Theory]
    [InlineData("0000" + "0000000000000000000000000000000000000000000000000000000000000001")] // x = 0
    [InlineData("0100" + "0000000000000000000000000000000000000000000000000000000000000001")] // x = 256
    [InlineData("0001" + "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")] // value = n
    [InlineData("0001" + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // value > n
    [InlineData("0001" + "00")] // short
    [InlineData("")]
    public void MalformedSharesAreRejected(string hex) =>
        Assert.Throws<CryptographicFormatException>(() => ScalarShare.Decode(Convert.FromHexString(hex)));

    [Fact]
    public void MalformedCommitmentsAreRejected()
    {
        byte[] valid = ShamirP256.Split(s_secret, 3, 4).Commitments.Encode();
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode(valid[..^1]));
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode([.. valid, 0]));
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode([0, 0]));
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode([0]));

        byte[] identity = (byte[])valid.Clone();
        Array.Clear(identity, 2, 33); // the identity has no compressed encoding: prefix 0x00
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode(identity));

        byte[] badPrefix = (byte[])valid.Clone();
        badPrefix[2] = 0x04;
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode(badPrefix));

        byte[] countTooLarge = (byte[])valid.Clone();
        countTooLarge[1] = 4;
        Assert.Throws<CryptographicFormatException>(() => FeldmanCommitments.Decode(countTooLarge));
    }

    [Fact]
    public void RandomAndMutatedInputsNeverCrashTheParsers()
    {
        var random = new Random(20261121);
        byte[] share = ShamirP256.Split(s_secret, 2, 3).Shares[0].Encode();
        byte[] commitments = ShamirP256.Split(s_secret, 3, 4).Commitments.Encode();
        byte[] refresh = ProactiveRefresh.CreateDealing(1, 3, [1, 2, 3]).Commitments.Encode();
        for (int iteration = 0; iteration < 300; iteration++)
        {
            Fuzz.Parse(() => ScalarShare.Decode(Fuzz.Mutate(random, share)));
            Fuzz.Parse(() => FeldmanCommitments.Decode(Fuzz.Mutate(random, commitments)));
            Fuzz.Parse(() => RefreshCommitments.Decode(Fuzz.Mutate(random, refresh)));
            Fuzz.Parse(() => P256Curve.DecodePoint(Fuzz.Mutate(random, commitments.AsSpan(2, 33).ToArray())));
            Fuzz.Parse(() => P256Curve.DecodeScalar(Fuzz.Mutate(random, share.AsSpan(2).ToArray())));
        }
    }
}
