using System.Text;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;

namespace Kms.Crypto.Tests.Sharing;

public class VaultShamirTests
{
    // Shares of "orleans-kms admin recovery key!!" (t = 3) in Vault's format (y bytes ‖ x), computed once with an
    // independent Python implementation of GF(2^8)/0x11B (shift-and-add, not tables) at x = 0x2a, 0x07, 0xc3, 0x91, 0x5e.
    private static readonly string[] s_knownShares =
    [
        "a563b5d2d24f9098bc11e77a9e5c3825b5986f070367bad824e9811765780f5e2a",
        "f6a646fd5af91657853d26e809d15a5e6e2a1e7a28261e2476ff8139f1e6039c07",
        "935c57f43ca5b1a5c5a59fe1599f30e99d281bfa0377f9420327686a6e4dfe46c3",
        "a85b4381cdcf4cd28e3b2063e26ed339a4e8b998b57319c55b91148d1039ca2291",
        "f1d23b42c8a246a1850aa206cf2289220a99322cf92dd081fb2f1b2f385a8cd55e",
    ];

    private static readonly byte[] s_knownSecret = Encoding.ASCII.GetBytes("orleans-kms admin recovery key!!");

    [Fact]
    public void TablesMatchVaultPublishedValues()
    {
        // Spot checks of hashicorp/vault shamir/tables.go (generator 0xe5): first, middle and last rows.
        Assert.Equal([0x00, 0xff, 0xc8, 0x08, 0x91, 0x10, 0xd0, 0x36], Gf256.LogTable[..8]);
        Assert.Equal([0x7d, 0xc2, 0x45, 0x82, 0xa7, 0x57, 0xb6, 0xa3], Gf256.LogTable[128..136]);
        Assert.Equal([0x68, 0x1b, 0x64, 0x04, 0x06, 0xbf, 0x83, 0x38], Gf256.LogTable[248..]);
        Assert.Equal([0x01, 0xe5, 0x4c, 0xb5, 0xfb, 0x9f, 0xfc, 0x12], Gf256.ExpTable[..8]);
        Assert.Equal([0x5f, 0x53, 0x83, 0xfe, 0xc3, 0x9b, 0x45, 0x39], Gf256.ExpTable[128..136]);
        Assert.Equal([0xaa, 0xcd, 0x9a, 0xa0, 0x75, 0x54, 0x0e, 0x01], Gf256.ExpTable[248..]);
    }

    [Fact]
    public void FieldOperationsMatchVaultTests()
    {
        // Values from hashicorp/vault shamir/shamir_test.go.
        Assert.Equal(0, Gf256.Add(16, 16));
        Assert.Equal(7, Gf256.Add(3, 4));
        Assert.Equal(9, Gf256.Multiply(3, 7));
        Assert.Equal(0, Gf256.Multiply(3, 0));
        Assert.Equal(0, Gf256.Multiply(0, 3));
        Assert.Equal(0, Gf256.Divide(0, 7));
        Assert.Equal(1, Gf256.Divide(3, 3));
        Assert.Equal(2, Gf256.Divide(6, 3));
        Assert.Throws<DivideByZeroException>(() => Gf256.Divide(1, 0));
    }

    [Fact]
    public void ConstantTimeArithmeticEqualsVaultTableArithmeticEverywhere()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                Assert.Equal(VaultMult((byte)a, (byte)b), Gf256.Multiply((byte)a, (byte)b));
                if (b != 0)
                {
                    Assert.Equal(VaultDiv((byte)a, (byte)b), Gf256.Divide((byte)a, (byte)b));
                }
            }

            if (a != 0)
            {
                Assert.Equal(1, Gf256.Multiply((byte)a, Gf256.Inverse((byte)a)));
            }
        }
    }

    [Fact]
    public void KnownSharesCombineToKnownSecret()
    {
        byte[][] shares = s_knownShares.Select(Convert.FromHexString).ToArray();
        foreach (int[] subset in ShamirP256Tests.Subsets(5, 3))
        {
            Assert.Equal(s_knownSecret, VaultShamir.Combine(subset.Select(i => shares[i]).ToArray()));
        }

        Assert.Equal(s_knownSecret, VaultShamir.Combine(shares));
        Assert.NotEqual(s_knownSecret, VaultShamir.Combine(shares[..2]));
    }

    [Fact]
    public void SplitProducesVaultFormatSharesThatCombine()
    {
        byte[] secret = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[][] shares = VaultShamir.Split(secret, 5, 3);
        Assert.All(shares, s => Assert.Equal(secret.Length + VaultShamir.ShareOverhead, s.Length));
        Assert.Equal(5, shares.Select(s => s[^1]).Distinct().Count());
        Assert.DoesNotContain(shares, s => s[^1] == 0);
        foreach (int[] subset in ShamirP256Tests.Subsets(5, 3))
        {
            byte[][] chosen = subset.Select(i => shares[i]).ToArray();
            Assert.Equal(secret, VaultShamir.Combine(chosen));
            Assert.Equal(secret, VaultTableCombine(chosen));
        }
    }

    [Fact]
    public void InvalidSplitParametersAreRejected()
    {
        byte[] secret = [1, 2, 3];
        Assert.ThrowsAny<ArgumentException>(() => VaultShamir.Split(secret, 0, 0));
        Assert.ThrowsAny<ArgumentException>(() => VaultShamir.Split(secret, 2, 3));
        Assert.ThrowsAny<ArgumentException>(() => VaultShamir.Split(secret, 1000, 3));
        Assert.ThrowsAny<ArgumentException>(() => VaultShamir.Split(secret, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => VaultShamir.Split([], 3, 2));
    }

    [Fact]
    public void InvalidCombineInputsAreRejected()
    {
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([]));
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([[1, 2, 3]]));
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([[1, 2, 3], [1, 2]]));
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([[1], [2]]));
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([[1, 2, 3], [4, 5, 3]]));
        Assert.Throws<CryptographicFormatException>(() => VaultShamir.Combine([[1, 2, 0], [4, 5, 3]]));
    }

    [Fact]
    public void MutatedSharesNeverCrash()
    {
        var random = new Random(9380);
        byte[][] shares = s_knownShares.Select(Convert.FromHexString).ToArray();
        for (int i = 0; i < 300; i++)
        {
            byte[][] mutated = shares.Take(random.Next(1, 6)).Select(s => Fuzz.Mutate(random, s)).ToArray();
            Fuzz.Parse(() => VaultShamir.Combine(mutated));
        }
    }

    // Vault's mult/div, written from shamir.go's table formulas.
    private static byte VaultMult(byte a, byte b) =>
        a == 0 || b == 0 ? (byte)0 : Gf256.ExpTable[(Gf256.LogTable[a] + Gf256.LogTable[b]) % 255];

    private static byte VaultDiv(byte a, byte b)
    {
        if (a == 0)
        {
            return 0;
        }

        int diff = (Gf256.LogTable[a] - Gf256.LogTable[b]) % 255;
        return Gf256.ExpTable[diff < 0 ? diff + 255 : diff];
    }

    // Vault's Combine/interpolatePolynomial, with the table arithmetic.
    private static byte[] VaultTableCombine(byte[][] parts)
    {
        int len = parts[0].Length;
        byte[] secret = new byte[len - 1];
        for (int idx = 0; idx < secret.Length; idx++)
        {
            byte result = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                byte basis = 1;
                for (int j = 0; j < parts.Length; j++)
                {
                    if (i != j)
                    {
                        byte num = parts[j][len - 1];
                        byte denom = (byte)(parts[i][len - 1] ^ parts[j][len - 1]);
                        basis = VaultMult(basis, VaultDiv(num, denom));
                    }
                }

                result ^= VaultMult(parts[i][idx], basis);
            }

            secret[idx] = result;
        }

        return secret;
    }
}
