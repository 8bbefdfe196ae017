using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>DHKEM(P-256, HKDF-SHA256), RFC 9180 §4.1 and §7.1.</summary>
internal static class DhKemP256
{
    public const ushort KemId = 0x0010;

    /// <summary>Nenc: an uncompressed P-256 point.</summary>
    public const int EncapsulatedKeySize = P256Keys.UncompressedPointSize;

    /// <summary>Nsecret.</summary>
    public const int SharedSecretSize = 32;

    private static readonly byte[] s_suiteId = HpkeLabels.KemSuiteId(KemId);

    /// <summary>DeriveKeyPair per RFC 9180 §7.1.3: rejection sampling of LabeledExpand candidates (bitmask 0xFF).</summary>
    public static ECDiffieHellman DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        Span<byte> dkpPrk = stackalloc byte[HpkeLabels.HashSize];
        Span<byte> candidate = stackalloc byte[P256Keys.ScalarSize];
        try
        {
            HpkeLabels.LabeledExtract(s_suiteId, [], "dkp_prk"u8, ikm, dkpPrk);
            for (int counter = 0; counter <= 255; counter++)
            {
                HpkeLabels.LabeledExpand(s_suiteId, dkpPrk, "candidate"u8, [(byte)counter], candidate);
                if (P256Keys.IsValidScalar(candidate))
                {
                    return P256Keys.CreateEcdh(candidate);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dkpPrk);
            CryptographicOperations.ZeroMemory(candidate);
        }

        // Probability about 2^-8192; RFC 9180 names this DeriveKeyPairError.
        throw new HpkeException("DeriveKeyPair found no valid scalar.");
    }

    /// <summary>Encap with a given ephemeral key; returns shared_secret and writes enc.</summary>
    public static byte[] Encap(ECDiffieHellman recipientPublicKey, ECDiffieHellman ephemeral, out byte[] encapsulatedKey)
    {
        encapsulatedKey = P256Keys.ExportUncompressedPoint(ephemeral);
        return DeriveSharedSecret(ephemeral, recipientPublicKey, encapsulatedKey, P256Keys.ExportUncompressedPoint(recipientPublicKey));
    }

    /// <summary>Decap: validates enc as a P-256 point and recomputes shared_secret.</summary>
    public static byte[] Decap(ReadOnlySpan<byte> encapsulatedKey, ECDiffieHellman recipientPrivateKey)
    {
        using ECDiffieHellman ephemeral = P256Keys.TryImportUncompressedPoint(encapsulatedKey)
            ?? throw new HpkeException($"The encapsulated key is not an uncompressed P-256 point ({EncapsulatedKeySize} bytes, on the curve).");
        return DeriveSharedSecret(recipientPrivateKey, ephemeral, encapsulatedKey, P256Keys.ExportUncompressedPoint(recipientPrivateKey));
    }

    /// <summary>
    /// shared_secret = ExtractAndExpand(DH(sk, pk), enc ‖ pkRm): the sender calls it with (skE, pkR), the recipient
    /// with (skR, pkE), and both get the same value.
    /// </summary>
    private static byte[] DeriveSharedSecret(ECDiffieHellman privateKey, ECDiffieHellman peer, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPoint)
    {
        byte[] dh = P256Keys.DeriveSharedX(privateKey, peer);
        try
        {
            return ExtractAndExpand(dh, enc, recipientPoint);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    private static byte[] ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPoint)
    {
        byte[] kemContext = [.. enc, .. recipientPoint];
        Span<byte> eaePrk = stackalloc byte[HpkeLabels.HashSize];
        byte[] sharedSecret = new byte[SharedSecretSize];
        try
        {
            HpkeLabels.LabeledExtract(s_suiteId, [], "eae_prk"u8, dh, eaePrk);
            HpkeLabels.LabeledExpand(s_suiteId, eaePrk, "shared_secret"u8, kemContext, sharedSecret);
            return sharedSecret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(eaePrk);
        }
    }
}
