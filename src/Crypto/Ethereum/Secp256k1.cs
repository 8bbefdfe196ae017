using NBitcoin.Secp256k1;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// secp256k1 ECDSA as Ethereum uses it, on NBitcoin.Secp256k1 (a constant-time port of libsecp256k1, the library
/// go-ethereum uses): RFC 6979 deterministic nonces, low-s signatures with a recovery id, verification and public-key
/// recovery. Hashes are 32-byte digests signed as they are.
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

    private static Context Context => Context.Instance;

    /// <summary>Derives the 65-byte uncompressed public key of <paramref name="privateKey"/>.</summary>
    /// <exception cref="ArgumentException">The private key is not 32 bytes or not in [1, n-1].</exception>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        using ECPrivKey key = ParsePrivateKey(privateKey);
        return Encode(key.CreatePubKey());
    }

    /// <summary>
    /// Signs a 32-byte hash with an RFC 6979 deterministic nonce; s is in the lower half of the order (same bytes as
    /// go-ethereum's <c>crypto.Sign</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Hash or private key has the wrong length, or the key is out of range.</exception>
    public static Secp256k1Signature Sign(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey)
    {
        RequireHash(hash);
        using ECPrivKey key = ParsePrivateKey(privateKey);
        if (!key.TrySignRecoverable(hash, out SecpRecoverableECDSASignature? signature) || signature is null)
        {
            // libsecp256k1 only fails here for a nonce that is zero or ≥ n after its retries: never in practice.
            throw new Secp256k1Exception("Signing failed.");
        }

        Span<byte> compact = stackalloc byte[64];
        signature.WriteToSpanCompact(compact, out int recoveryId);
        return new Secp256k1Signature(compact[..32], compact[32..], recoveryId);
    }

    /// <summary>
    /// Verifies an ECDSA signature (r, s) over a 32-byte hash against a public key (compressed or uncompressed).
    /// Returns false for any signature that does not verify, including, when <paramref name="requireLowS"/> is set,
    /// high-s signatures.
    /// </summary>
    /// <exception cref="Secp256k1Exception">The public key is malformed or not on the curve.</exception>
    public static bool Verify(ReadOnlySpan<byte> hash, Secp256k1Signature signature, ReadOnlySpan<byte> publicKey, bool requireLowS = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        RequireHash(hash);
        ECPubKey key = DecodePublicKey(publicKey);
        if (requireLowS && !signature.IsLowS)
        {
            return false;
        }

        // libsecp256k1 verifies only low-s signatures; (r, s) and (r, n − s) are the same ECDSA signature.
        Scalar s = new(signature.S);
        if (s.IsHigh)
        {
            s = s.Negate();
        }

        var r = new Scalar(signature.R);
        return key.SigVerify(new SecpECDSASignature(r, s, enforceCheck: true), hash);
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
        RequireHash(hash);
        if (requireLowS && !signature.IsLowS)
        {
            throw new Secp256k1Exception("s is in the upper half of the group order.");
        }

        Span<byte> compact = stackalloc byte[64];
        signature.R.CopyTo(compact);
        signature.S.CopyTo(compact[32..]);
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact, signature.RecoveryId, out SecpRecoverableECDSASignature? parsed) || parsed is null)
        {
            throw new Secp256k1Exception("The signature is not a valid recoverable signature.");
        }

        if (!ECPubKey.TryRecover(Context, parsed, hash, out ECPubKey? recovered) || recovered is null)
        {
            throw new Secp256k1Exception("No public key recovers from this signature (r is not the x coordinate of a curve point, or the result is infinity).");
        }

        return Encode(recovered);
    }

    /// <summary>Converts a compressed or uncompressed public key to the 65-byte uncompressed form, validating it.</summary>
    /// <exception cref="Secp256k1Exception">Wrong length or prefix, coordinates out of range, or point not on the curve.</exception>
    public static byte[] DecompressPublicKey(ReadOnlySpan<byte> publicKey) => Encode(DecodePublicKey(publicKey));

    /// <summary>Whether <paramref name="privateKey"/> is a valid 32-byte scalar in [1, n-1].</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) => privateKey.Length == PrivateKeyLength && IsValidScalar(privateKey);

    internal static bool IsValidScalar(ReadOnlySpan<byte> value)
    {
        var scalar = new Scalar(value, out int overflow);
        return overflow == 0 && !scalar.IsZero;
    }

    internal static bool IsLowS(ReadOnlySpan<byte> s) => !new Scalar(s).IsHigh;

    internal static ECPubKey DecodePublicKey(ReadOnlySpan<byte> publicKey)
    {
        // libsecp256k1 also parses the "hybrid" 0x06/0x07 forms; Ethereum never uses them, so the shape is ours.
        bool shapeOk = (publicKey.Length == UncompressedPublicKeyLength && publicKey[0] == 0x04)
            || (publicKey.Length == CompressedPublicKeyLength && publicKey[0] is 0x02 or 0x03);
        if (!shapeOk)
        {
            throw new Secp256k1Exception("A public key is 65 bytes starting 0x04 or 33 bytes starting 0x02/0x03.");
        }

        // The parser checks coordinate ranges and the curve equation, and never yields infinity.
        if (!ECPubKey.TryCreate(publicKey, Context, out _, out ECPubKey? key) || key is null)
        {
            throw new Secp256k1Exception("The public key is not a point on secp256k1.");
        }

        return key;
    }

    private static ECPrivKey ParsePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new ArgumentException($"A private key is {PrivateKeyLength} bytes.", nameof(privateKey));
        }

        if (!ECPrivKey.TryCreate(privateKey, Context, out ECPrivKey? key) || key is null)
        {
            throw new ArgumentException("The private key is out of range [1, n-1].", nameof(privateKey));
        }

        return key;
    }

    private static byte[] Encode(ECPubKey key)
    {
        byte[] encoded = new byte[UncompressedPublicKeyLength];
        key.WriteToSpan(compressed: false, encoded, out _);
        return encoded;
    }

    private static void RequireHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"The hash must be {HashLength} bytes.", nameof(hash));
        }
    }
}
