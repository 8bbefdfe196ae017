using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using BigIntegers = Org.BouncyCastle.Utilities.BigIntegers;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// secp256k1 ECDSA as Ethereum uses it: RFC 6979 deterministic nonces (HMAC-SHA256), low-s signatures with a
/// recovery id, verification and public-key recovery. Hashes are 32-byte digests signed as they are.
/// </summary>
public static class Secp256k1
{
    /// <summary>Private key length in bytes.</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Uncompressed public key length (0x04 ‖ X ‖ Y).</summary>
    public const int UncompressedPublicKeyLength = 65;

    /// <summary>Compressed public key length (0x02/0x03 ‖ X).</summary>
    public const int CompressedPublicKeyLength = 33;

    /// <summary>The message hash length this API signs.</summary>
    public const int HashLength = 32;

    private static readonly X9ECParameters s_parameters = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECCurve s_curve = s_parameters.Curve;
    private static readonly ECPoint s_g = s_parameters.G;
    private static readonly BigInteger s_n = s_parameters.N;
    private static readonly BigInteger s_halfN = s_n.ShiftRight(1);
    private static readonly BigInteger s_p = s_curve.Field.Characteristic;
    private static readonly FixedPointCombMultiplier s_multiplier = new();

    /// <summary>Derives the 65-byte uncompressed public key of <paramref name="privateKey"/>.</summary>
    /// <exception cref="ArgumentException">The private key is not 32 bytes or not in [1, n-1].</exception>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        BigInteger d = ParsePrivateKey(privateKey);
        return s_multiplier.Multiply(s_g, d).Normalize().GetEncoded(false);
    }

    /// <summary>
    /// Signs a 32-byte hash with an RFC 6979 deterministic nonce; s is normalized to the lower half of the order
    /// and the recovery id adjusted accordingly (same bytes as go-ethereum's <c>crypto.Sign</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Hash or private key has the wrong length, or the key is out of range.</exception>
    public static Secp256k1Signature Sign(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey)
    {
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"The hash must be {HashLength} bytes.", nameof(hash));
        }

        BigInteger d = ParsePrivateKey(privateKey);
        byte[] hashBytes = hash.ToArray();
        var e = new BigInteger(1, hashBytes);
        var kCalculator = new HMacDsaKCalculator(new Sha256Digest());
        kCalculator.Init(s_n, d, hashBytes);

        while (true)
        {
            BigInteger k = kCalculator.NextK();
            ECPoint point = s_multiplier.Multiply(s_g, k).Normalize();
            BigInteger x = point.AffineXCoord.ToBigInteger();
            BigInteger r = x.Mod(s_n);
            if (r.SignValue == 0)
            {
                continue;
            }

            // k is the secret nonce: BigInteger.ModInverse is a variable-time extended Euclid, and a few leaked bits of
            // many nonces recover the private key; BouncyCastle's odd-modulus inversion runs in constant time.
            BigInteger s = BigIntegers.ModOddInverse(s_n, k).Multiply(e.Add(d.Multiply(r))).Mod(s_n);
            if (s.SignValue == 0)
            {
                continue;
            }

            int recoveryId = (point.AffineYCoord.TestBitZero() ? 1 : 0) | (x.CompareTo(s_n) >= 0 ? 2 : 0);
            if (s.CompareTo(s_halfN) > 0)
            {
                s = s_n.Subtract(s);
                recoveryId ^= 1;
            }

            return new Secp256k1Signature(ToFixed32(r), ToFixed32(s), recoveryId);
        }
    }

    /// <summary>
    /// Verifies an ECDSA signature (r, s) over a 32-byte hash against a public key (compressed or uncompressed).
    /// Returns false for any signature that does not verify, including out-of-range r/s and, when
    /// <paramref name="requireLowS"/> is set, high-s signatures.
    /// </summary>
    /// <exception cref="Secp256k1Exception">The public key is malformed or not on the curve.</exception>
    public static bool Verify(ReadOnlySpan<byte> hash, Secp256k1Signature signature, ReadOnlySpan<byte> publicKey, bool requireLowS = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"The hash must be {HashLength} bytes.", nameof(hash));
        }

        ECPoint q = DecodePublicKey(publicKey);
        if (requireLowS && !signature.IsLowS)
        {
            return false;
        }

        var r = new BigInteger(1, signature.R.ToArray());
        var s = new BigInteger(1, signature.S.ToArray());
        var e = new BigInteger(1, hash.ToArray());
        BigInteger w = s.ModInverse(s_n);
        ECPoint point = ECAlgorithms.SumOfTwoMultiplies(s_g, e.Multiply(w).Mod(s_n), q, r.Multiply(w).Mod(s_n)).Normalize();
        return !point.IsInfinity && point.AffineXCoord.ToBigInteger().Mod(s_n).Equals(r);
    }

    /// <summary>
    /// Recovers the 65-byte uncompressed public key that produced <paramref name="signature"/> over
    /// <paramref name="hash"/> (go-ethereum <c>crypto.Ecrecover</c>; high-s signatures are accepted like there
    /// unless <paramref name="requireLowS"/> is set).
    /// </summary>
    /// <exception cref="Secp256k1Exception">No public key recovers (R not on the curve, result at infinity) or s is high while low-s is required.</exception>
    public static byte[] RecoverPublicKey(ReadOnlySpan<byte> hash, Secp256k1Signature signature, bool requireLowS = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"The hash must be {HashLength} bytes.", nameof(hash));
        }

        if (requireLowS && !signature.IsLowS)
        {
            throw new Secp256k1Exception("s is in the upper half of the group order.");
        }

        var r = new BigInteger(1, signature.R.ToArray());
        var s = new BigInteger(1, signature.S.ToArray());
        BigInteger x = (signature.RecoveryId & 2) != 0 ? r.Add(s_n) : r;
        if (x.CompareTo(s_p) >= 0)
        {
            throw new Secp256k1Exception("The recovery id points to an x coordinate beyond the field.");
        }

        byte[] compressed = new byte[CompressedPublicKeyLength];
        compressed[0] = (byte)((signature.RecoveryId & 1) != 0 ? 0x03 : 0x02);
        ToFixed32(x).CopyTo(compressed, 1);
        ECPoint rPoint;
        try
        {
            rPoint = s_curve.DecodePoint(compressed);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            throw new Secp256k1Exception("r is not the x coordinate of a curve point.");
        }

        var e = new BigInteger(1, hash.ToArray());
        BigInteger rInverse = r.ModInverse(s_n);
        BigInteger u1 = s_n.Subtract(e).Multiply(rInverse).Mod(s_n);
        BigInteger u2 = s.Multiply(rInverse).Mod(s_n);
        ECPoint q = ECAlgorithms.SumOfTwoMultiplies(s_g, u1, rPoint, u2).Normalize();
        if (q.IsInfinity)
        {
            throw new Secp256k1Exception("The signature recovers to the point at infinity.");
        }

        return q.GetEncoded(false);
    }

    /// <summary>Converts a compressed or uncompressed public key to the 65-byte uncompressed form, validating it.</summary>
    /// <exception cref="Secp256k1Exception">Wrong length or prefix, coordinates out of range, or point not on the curve.</exception>
    public static byte[] DecompressPublicKey(ReadOnlySpan<byte> publicKey) => DecodePublicKey(publicKey).GetEncoded(false);

    /// <summary>Whether <paramref name="privateKey"/> is a valid 32-byte scalar in [1, n-1].</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) => privateKey.Length == PrivateKeyLength && IsValidScalar(privateKey);

    internal static bool IsValidScalar(ReadOnlySpan<byte> value)
    {
        var v = new BigInteger(1, value.ToArray());
        return v.SignValue > 0 && v.CompareTo(s_n) < 0;
    }

    internal static bool IsLowS(ReadOnlySpan<byte> s) => new BigInteger(1, s.ToArray()).CompareTo(s_halfN) <= 0;

    internal static ECPoint DecodePublicKey(ReadOnlySpan<byte> publicKey)
    {
        bool shapeOk = (publicKey.Length == UncompressedPublicKeyLength && publicKey[0] == 0x04)
            || (publicKey.Length == CompressedPublicKeyLength && publicKey[0] is 0x02 or 0x03);
        if (!shapeOk)
        {
            throw new Secp256k1Exception("A public key is 65 bytes starting 0x04 or 33 bytes starting 0x02/0x03.");
        }

        // BouncyCastle checks coordinate ranges and the curve equation; we additionally refuse infinity.
        try
        {
            ECPoint point = s_curve.DecodePoint(publicKey.ToArray()).Normalize();
            if (point.IsInfinity || !point.IsValid())
            {
                throw new Secp256k1Exception("The public key is not a valid curve point.");
            }

            return point;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            throw new Secp256k1Exception("The public key is not a point on secp256k1.");
        }
    }

    private static BigInteger ParsePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new ArgumentException($"A private key is {PrivateKeyLength} bytes.", nameof(privateKey));
        }

        byte[] copy = privateKey.ToArray();
        try
        {
            var d = new BigInteger(1, copy);
            if (d.SignValue == 0 || d.CompareTo(s_n) >= 0)
            {
                throw new ArgumentException("The private key is out of range [1, n-1].", nameof(privateKey));
            }

            return d;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    private static byte[] ToFixed32(BigInteger value)
    {
        byte[] raw = value.ToByteArrayUnsigned();
        if (raw.Length == 32)
        {
            return raw;
        }

        byte[] result = new byte[32];
        raw.CopyTo(result, 32 - raw.Length);
        return result;
    }
}
