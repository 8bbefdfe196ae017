using System.Text;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// PEM text exactly as Go's <c>encoding/pem.Encode</c> writes it for a block without headers:
/// "-----BEGIN T-----\n", standard base64 with padding in 64-character lines each ending "\n",
/// "-----END T-----\n". Hashes over PEM text (the operator signature) depend on these exact bytes.
/// </summary>
public static class GoPem
{
    private const int LineLength = 64;

    /// <summary>Encodes <paramref name="der"/> as a PEM block of type <paramref name="type"/> (ASCII bytes).</summary>
    public static byte[] Encode(string type, ReadOnlySpan<byte> der)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        string base64 = Convert.ToBase64String(der);
        var builder = new StringBuilder(base64.Length + (base64.Length / LineLength) + (2 * type.Length) + 40);
        builder.Append("-----BEGIN ").Append(type).Append("-----\n");
        for (int i = 0; i < base64.Length; i += LineLength)
        {
            builder.Append(base64, i, Math.Min(LineLength, base64.Length - i)).Append('\n');
        }

        builder.Append("-----END ").Append(type).Append("-----\n");
        return Encoding.ASCII.GetBytes(builder.ToString());
    }
}
