using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Crypto.Tests.Ethereum;

public sealed class Secp256k1Tests
{
    // Widely published Ethereum test key (web3.js documentation) and its address.
    internal static readonly byte[] s_web3Key = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    private static readonly byte[] s_n = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    [Fact]
    public void Address_FromPublishedPrivateKey()
    {
        Assert.Equal("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", EthereumAddress.FromPrivateKey(s_web3Key).ToString());
    }

    [Fact]
    public void Address_FromAnvilDevAccount0()
    {
        byte[] key = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        Assert.Equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", EthereumAddress.FromPrivateKey(key).ToString());
    }

    [Fact]
    public void Eip191_MatchesPublishedWeb3Vector()
    {
        // web3.js `eth.accounts.sign('Some data', key)` documentation vector.
        byte[] signature = Eip191.SignPersonalMessage(Encoding.UTF8.GetBytes("Some data"), s_web3Key);

        Assert.Equal(
            "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",
            Convert.ToHexStringLower(signature));
        Assert.Equal("1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655", Convert.ToHexStringLower(Eip191.HashPersonalMessage(Encoding.UTF8.GetBytes("Some data"))));
        Assert.Equal(EthereumAddress.FromPrivateKey(s_web3Key), Eip191.RecoverPersonalMessageSigner(Encoding.UTF8.GetBytes("Some data"), signature));
    }

    [Fact]
    public void SignVerifyRecover_RoundTripsAndIsDeterministic()
    {
        byte[] hash = SHA256.HashData("payload"u8);
        Secp256k1Signature first = Secp256k1.Sign(hash, s_web3Key);
        Secp256k1Signature second = Secp256k1.Sign(hash, s_web3Key);
        byte[] publicKey = Secp256k1.GetPublicKey(s_web3Key);

        Assert.Equal(first, second);
        Assert.True(first.IsLowS);
        Assert.True(Secp256k1.Verify(hash, first, publicKey, requireLowS: true));
        Assert.Equal(publicKey, Secp256k1.RecoverPublicKey(hash, first));

        byte[] otherHash = SHA256.HashData("other"u8);
        Assert.False(Secp256k1.Verify(otherHash, first, publicKey));
        Assert.NotEqual(publicKey, Secp256k1.RecoverPublicKey(otherHash, first));
    }

    [Fact]
    public void HighS_IsRefusedWhenLowSRequired_ButVerifiesOtherwise()
    {
        byte[] hash = SHA256.HashData("payload"u8);
        Secp256k1Signature low = Secp256k1.Sign(hash, s_web3Key);
        var high = new Secp256k1Signature(low.R, Subtract(s_n, low.S), low.RecoveryId ^ 1);
        byte[] publicKey = Secp256k1.GetPublicKey(s_web3Key);

        Assert.False(high.IsLowS);
        Assert.True(Secp256k1.Verify(hash, high, publicKey));
        Assert.False(Secp256k1.Verify(hash, high, publicKey, requireLowS: true));
        Assert.Equal(publicKey, Secp256k1.RecoverPublicKey(hash, high));
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.RecoverPublicKey(hash, high, requireLowS: true));
    }

    [Fact]
    public void CompressedAndUncompressedKeys_GiveSameAddress()
    {
        byte[] uncompressed = Secp256k1.GetPublicKey(s_web3Key);
        byte[] compressed = new byte[33];
        compressed[0] = (byte)(0x02 | (uncompressed[64] & 1));
        uncompressed.AsSpan(1, 32).CopyTo(compressed.AsSpan(1));

        Assert.Equal(uncompressed, Secp256k1.DecompressPublicKey(compressed));
        Assert.Equal(EthereumAddress.FromPublicKey(uncompressed), EthereumAddress.FromPublicKey(compressed));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(66)]
    [InlineData(0)]
    public void Signature_BadLength_IsRejected(int length)
    {
        Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(new byte[length]));
    }

    [Fact]
    public void Signature_OutOfRangeValues_AreRejected()
    {
        byte[] valid = Secp256k1.Sign(new byte[32], s_web3Key).ToRecoverableBytes();

        byte[] zeroR = (byte[])valid.Clone();
        zeroR.AsSpan(0, 32).Clear();
        Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(zeroR));

        byte[] sEqualsN = (byte[])valid.Clone();
        s_n.CopyTo(sEqualsN, 32);
        Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(sEqualsN));

        byte[] sAllOnes = (byte[])valid.Clone();
        sAllOnes.AsSpan(32, 32).Fill(0xff);
        Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(sAllOnes));

        foreach (byte v in new byte[] { 2, 27, 28, 255 })
        {
            byte[] badV = (byte[])valid.Clone();
            badV[64] = v;
            Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(badV));
        }

        byte[] eip191 = (byte[])valid.Clone();
        eip191[64] = 29;
        Assert.Throws<Secp256k1Exception>(() => Secp256k1Signature.FromRecoverableBytes(eip191, vOffset: 27));
    }

    [Fact]
    public void Recover_RWithoutCurvePoint_IsRejected()
    {
        // x = 5 has no point on secp256k1 (5^3 + 7 = 132 is not a quadratic residue mod p).
        byte[] r = new byte[32];
        r[31] = 5;
        byte[] s = new byte[32];
        s[31] = 1;
        var signature = new Secp256k1Signature(r, s, 0);

        Assert.Throws<Secp256k1Exception>(() => Secp256k1.RecoverPublicKey(new byte[32], signature));
    }

    [Fact]
    public void PublicKey_NotOnCurve_IsRejected()
    {
        byte[] publicKey = Secp256k1.GetPublicKey(s_web3Key);
        publicKey[64] ^= 1;
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.DecompressPublicKey(publicKey));
        Assert.Throws<Secp256k1Exception>(() => EthereumAddress.FromPublicKey(publicKey));

        byte[] wrongPrefix = Secp256k1.GetPublicKey(s_web3Key);
        wrongPrefix[0] = 0x05;
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.DecompressPublicKey(wrongPrefix));

        byte[] compressedNoPoint = new byte[33];
        compressedNoPoint[0] = 0x02;
        compressedNoPoint[32] = 5;
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.DecompressPublicKey(compressedNoPoint));

        byte[] xBeyondField = new byte[33];
        xBeyondField[0] = 0x02;
        xBeyondField.AsSpan(1).Fill(0xff);
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.DecompressPublicKey(xBeyondField));
        Assert.Throws<Secp256k1Exception>(() => Secp256k1.DecompressPublicKey(new byte[65]));
    }

    [Fact]
    public void PrivateKey_OutOfRange_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Secp256k1.GetPublicKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => Secp256k1.GetPublicKey(s_n));
        Assert.Throws<ArgumentException>(() => Secp256k1.GetPublicKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => Secp256k1.Sign(new byte[31], s_web3Key));
        Assert.False(Secp256k1.IsValidPrivateKey(s_n));
        Assert.True(Secp256k1.IsValidPrivateKey(s_web3Key));
    }

    [Fact]
    public void Fuzz_RandomSignaturesAndKeys_NeverCrash()
    {
        var random = new Random(1234);
        byte[] hash = new byte[32];
        for (int i = 0; i < 300; i++)
        {
            byte[] blob = new byte[random.Next(0, 70)];
            random.NextBytes(blob);
            random.NextBytes(hash);
            try
            {
                Secp256k1Signature signature = Secp256k1Signature.FromRecoverableBytes(blob, blob.Length == 65 ? blob[64] & 0xfe : 0);
                _ = Secp256k1.RecoverPublicKey(hash, signature);
            }
            catch (Secp256k1Exception)
            {
            }

            try
            {
                _ = Secp256k1.DecompressPublicKey(blob);
            }
            catch (Secp256k1Exception)
            {
            }
        }
    }

    private static byte[] Subtract(byte[] a, ReadOnlySpan<byte> b)
    {
        var result = System.Numerics.BigInteger.Subtract(new System.Numerics.BigInteger(a, isUnsigned: true, isBigEndian: true), new System.Numerics.BigInteger(b, isUnsigned: true, isBigEndian: true));
        byte[] raw = result.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] padded = new byte[32];
        raw.CopyTo(padded, 32 - raw.Length);
        return padded;
    }
}
