using Org.BouncyCastle.Crypto.Digests;

namespace Kms.Attestation.Identity;

/// <summary>
/// TupleHash256 (NIST SP 800-185, section 5) over a list of byte strings, with a customization string and an
/// output length in bytes; BouncyCastle's <see cref="TupleHash"/> does the encoding (one update per tuple item).
/// </summary>
public static class TupleHash256
{
    /// <summary>Hashes the tuple <paramref name="items"/> with customization <paramref name="customization"/> into <paramref name="outputLength"/> bytes.</summary>
    public static byte[] HashData(IReadOnlyList<byte[]> items, ReadOnlySpan<byte> customization, int outputLength)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputLength, int.MaxValue / 8);

        var digest = new TupleHash(256, customization.ToArray(), outputLength * 8);
        foreach (byte[] item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            digest.BlockUpdate(item, 0, item.Length);
        }

        byte[] output = new byte[outputLength];
        digest.DoFinal(output, 0);
        return output;
    }
}
