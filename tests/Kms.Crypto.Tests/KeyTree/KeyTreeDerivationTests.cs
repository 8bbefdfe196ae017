using Kms.Crypto.KeyTree;
using Kms.Crypto.P256;

namespace Kms.Crypto.Tests.KeyTree;

public class KeyTreeDerivationTests
{
    // A namespace key (here: the RFC 9497 A.3.2 output, any 32 bytes would do).
    private static readonly byte[] s_nk = Convert.FromHexString("0412e8f78b02c415ab3a288e228978376f99927767ff37c5718d420010a645a1");

    // Info encodings computed once with an independent Python struct.pack script; outputs computed once with
    //   openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:<nk> -kdfopt hexinfo:<info> HKDF   (OpenSSL 3.0, no salt)
    public static TheoryData<DerivedKeyLabel, string, string> Vectors => new()
    {
        {
            new DerivedKeyLabel("disk-encryption", "acme", "wl-1", "root", 1),
            "6f726c65616e732d6b6d732f6b65792d747265652f7631000f6469736b2d656e6372797074696f6e000461636d650004776c2d310004726f6f74000400000001",
            "f71c07538083f69a0afd411d240ac76afdb2ab45d7d547187e3bcaf1e019308d"
        },
        {
            new DerivedKeyLabel("tls", "acme", "", "", 0),
            "6f726c65616e732d6b6d732f6b65792d747265652f76310003746c73000461636d6500000000000400000000",
            "e9454dae7ceee7a316f30957aa190886b739465d194d2ca7c8ea2c874076c8f0"
        },
        {
            new DerivedKeyLabel("app-key", "名前空間", "wl/2", "key", uint.MaxValue),
            "6f726c65616e732d6b6d732f6b65792d747265652f763100076170702d6b6579000ce5908de5898de7a9bae996930004776c2f3200036b65790004ffffffff",
            "ce11ef593fb9097690edeecffb63d391418fe368424cefce41312f72bf3debd0"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MatchesIndependentlyComputedVectors(DerivedKeyLabel label, string info, string key)
    {
        Assert.Equal(info, Convert.ToHexStringLower(label.Encode()));
        Assert.Equal(key, Convert.ToHexStringLower(KeyTreeDerivation.DeriveKey(s_nk, label)));
    }

    [Fact]
    public void LongerOutputMatchesOpenSsl()
    {
        byte[] key = KeyTreeDerivation.DeriveKey(s_nk, new DerivedKeyLabel("disk-encryption", "acme", "wl-1", "root", 1), 64);
        Assert.Equal(
            "f71c07538083f69a0afd411d240ac76afdb2ab45d7d547187e3bcaf1e019308de31ceb7f12531574d3b472582e7189a6c69bd599cf89eb63de1f972a243ef785",
            Convert.ToHexStringLower(key));
    }

    [Fact]
    public void RawHkdfMatchesRfc5869TestCase1()
    {
        byte[] okm = new byte[42];
        KeyTreeDerivation.DeriveRaw(
            Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            Convert.FromHexString("000102030405060708090a0b0c"),
            Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"),
            okm);
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void LabelsThatConcatenateAlikeGiveDifferentKeys()
    {
        byte[] a = KeyTreeDerivation.DeriveKey(s_nk, new DerivedKeyLabel("p", "ab", "c", "n", 1));
        byte[] b = KeyTreeDerivation.DeriveKey(s_nk, new DerivedKeyLabel("p", "a", "bc", "n", 1));
        byte[] c = KeyTreeDerivation.DeriveKey(s_nk, new DerivedKeyLabel("p", "a", "bc", "n", 2));
        Assert.NotEqual(a, b);
        Assert.NotEqual(b, c);
    }

    [Fact]
    public void InvalidLabelsAndKeysAreRejected()
    {
        Assert.Throws<CryptographicFormatException>(() => new DerivedKeyLabel("", "ns", "id", "n", 1).Encode());
        Assert.Throws<CryptographicFormatException>(() => new DerivedKeyLabel("p", null!, "id", "n", 1).Encode());
        Assert.Throws<CryptographicFormatException>(() => new DerivedKeyLabel("p", new string('x', 1025), "id", "n", 1).Encode());
        Assert.Throws<CryptographicFormatException>(() => new DerivedKeyLabel("p", "ns", "\udc00", "n", 1).Encode());
        Assert.Equal(23 + (2 * 5) + 1024 + 1 + 1 + 1 + 4, new DerivedKeyLabel("p", new string('x', 1024), "i", "n", 1).Encode().Length);

        var label = new DerivedKeyLabel("p", "ns", "id", "n", 1);
        Assert.Throws<ArgumentException>(() => KeyTreeDerivation.DeriveKey(new byte[31], label));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyTreeDerivation.DeriveKey(s_nk, label, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyTreeDerivation.DeriveKey(s_nk, label, (255 * 32) + 1));
    }
}
