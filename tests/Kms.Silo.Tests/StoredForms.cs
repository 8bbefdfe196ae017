namespace Kms.Silo.Tests;

/// <summary>The forms in which a store could hold some bytes in plain sight: as text, hex (PostgreSQL bytea) or base64
/// (JSON serializers), so that a scan for a secret covers all of them.</summary>
internal static class StoredForms
{
    public static IEnumerable<string> Of(byte[] secret)
    {
        yield return System.Text.Encoding.UTF8.GetString(secret);
        yield return Convert.ToHexString(secret);
        // Base64 of a value embedded in a longer buffer depends on its offset modulo 3: check every alignment.
        for (int offset = 0; offset < 3; offset++)
        {
            byte[] shifted = new byte[offset + secret.Length];
            secret.CopyTo(shifted, offset);
            string encoded = Convert.ToBase64String(shifted);
            // Drop the characters that mix padding bytes and the final partial group.
            int skip = offset == 0 ? 0 : 4;
            yield return encoded.Substring(skip, Math.Max(0, encoded.Length - skip - 4));
        }
    }
}
