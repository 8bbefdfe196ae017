using Org.BouncyCastle.Crypto.Digests;

namespace Kms.Attestation.Identity;

/// <summary>
/// TupleHash256 (NIST SP 800-185, section 5): cSHAKE256 with function name "TupleHash" over
/// encode_string(X1) ‖ … ‖ encode_string(Xn) ‖ right_encode(L). Portable.BouncyCastle 1.8.10 has cSHAKE but no
/// TupleHash, so the encoding is done here.
/// </summary>
public static class TupleHash256
{
    private static readonly byte[] s_functionName = "TupleHash"u8.ToArray();

    /// <summary>Hashes the tuple <paramref name="items"/> with customization <paramref name="customization"/> into <paramref name="outputLength"/> bytes.</summary>
    public static byte[] HashData(IReadOnlyList<byte[]> items, ReadOnlySpan<byte> customization, int outputLength)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, 1);

        var digest = new CShakeDigest(256, s_functionName, customization.ToArray());
        foreach (byte[] item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            byte[] prefix = LeftEncode((ulong)item.Length * 8);
            digest.BlockUpdate(prefix, 0, prefix.Length);
            digest.BlockUpdate(item, 0, item.Length);
        }

        byte[] suffix = RightEncode((ulong)outputLength * 8);
        digest.BlockUpdate(suffix, 0, suffix.Length);
        byte[] output = new byte[outputLength];
        digest.DoFinal(output, 0, outputLength);
        return output;
    }

    private static byte[] LeftEncode(ulong value)
    {
        byte[] bytes = Minimal(value);
        return [(byte)bytes.Length, .. bytes];
    }

    private static byte[] RightEncode(ulong value)
    {
        byte[] bytes = Minimal(value);
        return [.. bytes, (byte)bytes.Length];
    }

    private static byte[] Minimal(ulong value)
    {
        int n = 1;
        while (n < 8 && (value >> (8 * n)) != 0)
        {
            n++;
        }

        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++)
        {
            bytes[n - 1 - i] = (byte)(value >> (8 * i));
        }

        return bytes;
    }
}
