using Kms.Crypto.Ed25519;

namespace Kms.Crypto.Tests.Ed25519;

public sealed class Ed25519MalformedInputTests
{
    private const string Test1Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void PublicKey_WrongLength_Throws(int length)
    {
        Assert.Throws<Ed25519FormatException>(() => Ed25519PublicKey.Parse(new byte[length]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("d75a98")]
    [InlineData("zz5a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00")]
    public void PublicKey_BadHex_Throws(string hex)
    {
        Assert.Throws<Ed25519FormatException>(() => Ed25519PublicKey.ParseHex(hex));
    }

    [Fact]
    public void PublicKey_NonCanonicalY_Throws()
    {
        // y = p = 2^255 - 19 is not a canonical field element.
        byte[] encoded = Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        Assert.Throws<Ed25519FormatException>(() => Ed25519PublicKey.Parse(encoded));
    }

    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")]
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")]
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")]
    [InlineData("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")]
    [InlineData("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85")]
    // Non-canonical encodings of the identity (x = 0 with the sign bit set) and of y = -1 (y = p - 1 + p is not < p).
    [InlineData("0100000000000000000000000000000000000000000000000000000000000080")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void PublicKey_SmallOrder_Throws(string hex)
    {
        // The 8 small-order points (libsodium's blocklist; each checked to satisfy [8]P = identity).
        Assert.Throws<Ed25519FormatException>(() => Ed25519PublicKey.ParseHex(hex));
    }

    [Fact]
    public void PublicKey_NotOnCurve_Throws()
    {
        // y = 2 has no x with -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19).
        byte[] encoded = new byte[32];
        encoded[0] = 2;
        Assert.Throws<Ed25519FormatException>(() => Ed25519PublicKey.Parse(encoded));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(128)]
    public void Verify_WrongSignatureLength_Throws(int length)
    {
        Ed25519PublicKey key = Ed25519PublicKey.ParseHex(Test1Public);
        Assert.Throws<Ed25519FormatException>(() => key.Verify([], new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void PrivateKey_WrongLength_Throws(int length)
    {
        Assert.Throws<Ed25519FormatException>(() => Ed25519PrivateKey.FromSeed(new byte[length]));
    }

    [Fact]
    public void PrivateKey_AfterDispose_RefusesToSign()
    {
        Ed25519PrivateKey key = Ed25519PrivateKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign([1, 2, 3]));
        Assert.Throws<ObjectDisposedException>(() => key.ExportSeed());
    }

    [Fact]
    public void RandomKeysAndSignatures_NeverCrash()
    {
        var random = new Random(8032);
        Ed25519PublicKey valid = Ed25519PublicKey.ParseHex(Test1Public);
        for (int i = 0; i < 500; i++)
        {
            byte[] candidate = new byte[32];
            random.NextBytes(candidate);
            try
            {
                Ed25519PublicKey key = Ed25519PublicKey.Parse(candidate);
                byte[] signature = new byte[64];
                random.NextBytes(signature);
                Assert.False(key.Verify([1], signature));
            }
            catch (Ed25519FormatException)
            {
                // Roughly half of all random y coordinates are not on the curve.
            }

            byte[] randomSignature = new byte[64];
            random.NextBytes(randomSignature);
            Assert.False(valid.Verify([], randomSignature));
        }
    }
}
