using System.Security.Cryptography;

namespace Kms.Crypto.HashToCurve;

/// <summary>expand_message_xmd with SHA-256 (RFC 9380 §5.3.1).</summary>
public static class ExpandMessageXmd
{
    private const int HashSize = 32;   // b_in_bytes
    private const int BlockSize = 64;  // s_in_bytes

    /// <summary>The largest domain separation tag accepted (the RFC's one-byte length).</summary>
    public const int MaxDstLength = 255;

    /// <summary>The largest output length (ell ≤ 255 blocks of 32 bytes).</summary>
    public const int MaxOutputLength = 255 * HashSize;

    /// <summary>Expands <paramref name="message"/> to <paramref name="lengthInBytes"/> uniform bytes under <paramref name="dst"/>.</summary>
    /// <exception cref="ArgumentException">The DST is empty or longer than 255 bytes, or the length is out of range.</exception>
    public static byte[] Expand(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, int lengthInBytes)
    {
        if (dst.IsEmpty || dst.Length > MaxDstLength)
        {
            throw new ArgumentException($"The domain separation tag must be 1 to {MaxDstLength} bytes.", nameof(dst));
        }

        if (lengthInBytes < 1 || lengthInBytes > MaxOutputLength)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthInBytes), $"The output length must be 1 to {MaxOutputLength} bytes.");
        }

        int ell = (lengthInBytes + HashSize - 1) / HashSize;

        // DST_prime = DST ‖ I2OSP(len(DST), 1)
        byte[] dstPrime = [.. dst, (byte)dst.Length];

        // b_0 = H(Z_pad ‖ msg ‖ I2OSP(len_in_bytes, 2) ‖ I2OSP(0, 1) ‖ DST_prime)
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(new byte[BlockSize]);
        hash.AppendData(message);
        hash.AppendData([(byte)(lengthInBytes >> 8), (byte)lengthInBytes, 0]);
        hash.AppendData(dstPrime);
        byte[] b0 = hash.GetHashAndReset();

        byte[] output = new byte[ell * HashSize];
        Span<byte> previous = stackalloc byte[HashSize];
        Span<byte> mixed = stackalloc byte[HashSize];
        previous.Clear();
        for (int i = 1; i <= ell; i++)
        {
            // b_1 = H(b_0 ‖ 1 ‖ DST_prime); b_i = H((b_0 XOR b_{i-1}) ‖ i ‖ DST_prime)
            for (int j = 0; j < HashSize; j++)
            {
                mixed[j] = (byte)(b0[j] ^ previous[j]);
            }

            hash.AppendData(mixed);
            hash.AppendData([(byte)i]);
            hash.AppendData(dstPrime);
            Span<byte> block = output.AsSpan((i - 1) * HashSize, HashSize);
            hash.GetHashAndReset(block);
            block.CopyTo(previous);
        }

        CryptographicOperations.ZeroMemory(b0);
        return output.Length == lengthInBytes ? output : output[..lengthInBytes];
    }
}
