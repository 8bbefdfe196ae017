using Org.BouncyCastle.Crypto.Digests;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS 202 SHA3-256 (0x06).
/// </summary>
public static class Keccak256
{
    /// <summary>The digest size in bytes.</summary>
    public const int HashSizeInBytes = 32;

    /// <summary>Computes the Keccak-256 digest of <paramref name="source"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> source)
    {
        byte[] digest = new byte[HashSizeInBytes];
        HashData(source, digest);
        return digest;
    }

    /// <summary>Computes the Keccak-256 digest of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
        {
            throw new ArgumentException($"The destination must be at least {HashSizeInBytes} bytes.", nameof(destination));
        }

        var digest = new KeccakDigest(256);
        digest.BlockUpdate(source);
        digest.DoFinal(destination);
    }
}
