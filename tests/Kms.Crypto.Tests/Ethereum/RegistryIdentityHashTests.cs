using Kms.Crypto.Ethereum;

namespace Kms.Crypto.Tests.Ethereum;

public sealed class RegistryIdentityHashTests
{
    /// <summary>47 zero bytes followed by <paramref name="i"/> (the Go handler tests' getTestMeasurements).</summary>
    private static byte[] Register(byte i) => [.. new byte[47], i];

    private static byte[] Pcr(byte b) => [b, b, .. new byte[30]];

    [Theory]
    // seeds-protocols.md §1.4 vectors: RTMR0..2 = …01, …02, …03.
    [InlineData("0000000000000000000000000000000000000000", "67699f351d50ed20be6afc88f4555335e244c06fb4f4bde7eb7147edf07d5fbd")]
    [InlineData("1111111111111111111111111111111111111111", "3c49a19fd84498c112338bcdc88b9d81dc989cf51bea36a685336879aef26eb1")]
    public void ComputeDcap_MatchesTheSection14Vectors(string contract, string expected)
    {
        byte[] identity = RegistryIdentityHash.ComputeDcap(Convert.FromHexString(contract), Register(1), Register(2), Register(3));

        Assert.Equal(expected, Convert.ToHexStringLower(identity));
    }

    [Fact]
    public void ComputeMaa_MatchesTheSection14VectorOnDecodedPcrs()
    {
        byte[] identity = RegistryIdentityHash.ComputeMaa(new byte[20], Pcr(0x04), Pcr(0x09), Pcr(0x0b));

        Assert.Equal("f8608e5e388e02dc087f8ff07132161e5e2a48a890bace09d864a885b21084c5", Convert.ToHexStringLower(identity));
    }

    [Fact]
    public void ComputeDcap_IsScopedToTheContractAndOrdered()
    {
        byte[] identity = RegistryIdentityHash.ComputeDcap(new byte[20], Register(1), Register(2), Register(3));

        Assert.NotEqual(identity, RegistryIdentityHash.ComputeDcap(new byte[20], Register(2), Register(1), Register(3)));
        Assert.NotEqual(identity, RegistryIdentityHash.ComputeDcap([.. new byte[19], 1], Register(1), Register(2), Register(3)));
    }

    [Fact]
    public void Inputs_AreLengthChecked()
    {
        Assert.Throws<ArgumentException>(() => RegistryIdentityHash.ComputeDcap(new byte[19], Register(1), Register(2), Register(3)));
        Assert.Throws<ArgumentException>(() => RegistryIdentityHash.ComputeDcap(new byte[20], Register(1), Register(2), new byte[32]));
        Assert.Throws<ArgumentException>(() => RegistryIdentityHash.ComputeMaa(new byte[21], Pcr(4), Pcr(9), Pcr(11)));
        // The Go service copies the 64-character hex text of a PCR; that is not 32 bytes and must not be accepted.
        Assert.Throws<ArgumentException>(() => RegistryIdentityHash.ComputeMaa(new byte[20], "0404000000000000000000000000000000000000000000000000000000000000"u8.ToArray(), Pcr(9), Pcr(11)));
    }
}
