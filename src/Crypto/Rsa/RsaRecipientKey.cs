using System.Buffers.Text;
using System.Security.Cryptography;

namespace Kms.Crypto.Rsa;

/// <summary>
/// A validated RSA public key that secrets may be encrypted to: modulus of 2048 to 16384 bits, odd; public exponent
/// odd, at least 3, at most 64 bits and below the modulus. Immutable.
/// </summary>
public sealed class RsaRecipientKey
{
    /// <summary>Smallest accepted modulus size.</summary>
    public const int MinimumModulusBits = 2048;

    /// <summary>Largest accepted modulus size (bounds the work a hostile key can cause).</summary>
    public const int MaximumModulusBits = 16384;

    private const int MaximumExponentBytes = 8;

    private readonly byte[] _modulus;
    private readonly byte[] _exponent;

    private RsaRecipientKey(byte[] modulus, byte[] exponent, int keySizeInBits)
    {
        _modulus = modulus;
        _exponent = exponent;
        KeySizeInBits = keySizeInBits;
    }

    /// <summary>The modulus size in bits.</summary>
    public int KeySizeInBits { get; }

    /// <summary>The size in bytes of a ciphertext (k).</summary>
    public int ModulusSizeInBytes => _modulus.Length;

    /// <summary>Parses the JWK members <c>n</c> and <c>e</c> (base64url without padding, RFC 7518 §6.3.1).</summary>
    /// <exception cref="RsaKeyException">The encoding or a value is invalid.</exception>
    public static RsaRecipientKey FromJwk(string n, string e)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(e);
        return Create(DecodeBase64Url(n, "n"), DecodeBase64Url(e, "e"));
    }

    /// <summary>
    /// Parses the modulus and exponent as standard base64 with padding, as the reference KBS <c>tee-pubkey</c>
    /// (<c>k-mod</c>, <c>k-exp</c>) sends them.
    /// </summary>
    /// <exception cref="RsaKeyException">The encoding or a value is invalid.</exception>
    public static RsaRecipientKey FromBase64(string modulus, string exponent)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        ArgumentNullException.ThrowIfNull(exponent);
        return Create(DecodeBase64(modulus, "modulus"), DecodeBase64(exponent, "exponent"));
    }

    /// <summary>Validates big-endian modulus and exponent bytes.</summary>
    /// <exception cref="RsaKeyException">A value is invalid.</exception>
    public static RsaRecipientKey FromParameters(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent) =>
        Create(modulus.ToArray(), exponent.ToArray());

    /// <summary>Creates a platform RSA object holding this public key.</summary>
    public RSA CreateRsa()
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(new RSAParameters { Modulus = _modulus, Exponent = _exponent });
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new RsaKeyException("The platform rejected the RSA public key.");
        }
    }

    private static RsaRecipientKey Create(byte[] modulus, byte[] exponent)
    {
        byte[] n = StripLeadingZeros(modulus);
        byte[] e = StripLeadingZeros(exponent);
        if (n.Length == 0)
        {
            throw new RsaKeyException("The modulus is zero.");
        }

        int bits = ((n.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]));
        if (bits < MinimumModulusBits)
        {
            throw new RsaKeyException($"The modulus has {bits} bits; at least {MinimumModulusBits} are required.");
        }

        if (bits > MaximumModulusBits)
        {
            throw new RsaKeyException($"The modulus has {bits} bits; at most {MaximumModulusBits} are accepted.");
        }

        if ((n[^1] & 1) == 0)
        {
            throw new RsaKeyException("The modulus is even.");
        }

        if (e.Length == 0 || (e.Length == 1 && e[0] < 3))
        {
            throw new RsaKeyException("The public exponent must be at least 3.");
        }

        if ((e[^1] & 1) == 0)
        {
            throw new RsaKeyException("The public exponent is even.");
        }

        if (e.Length > MaximumExponentBytes)
        {
            throw new RsaKeyException($"The public exponent is longer than {MaximumExponentBytes * 8} bits.");
        }

        return new RsaRecipientKey(n, e, bits);
    }

    private static byte[] StripLeadingZeros(byte[] value)
    {
        int start = Array.FindIndex(value, b => b != 0);
        return start < 0 ? [] : value[start..];
    }

    private static byte[] DecodeBase64Url(string value, string name)
    {
        // Bounded before decoding: a 16384-bit modulus is 2731 characters.
        if (value.Length == 0 || value.Length > 4096)
        {
            throw new RsaKeyException($"The JWK member '{name}' is empty or too long.");
        }

        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                throw new RsaKeyException($"The JWK member '{name}' is not base64url without padding.");
            }
        }

        if (value.Length % 4 == 1)
        {
            throw new RsaKeyException($"The JWK member '{name}' has an impossible base64url length.");
        }

        try
        {
            return Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            throw new RsaKeyException($"The JWK member '{name}' is not base64url without padding.");
        }
    }

    private static byte[] DecodeBase64(string value, string name)
    {
        if (value.Length == 0 || value.Length > 4096)
        {
            throw new RsaKeyException($"The {name} is empty or too long.");
        }

        byte[] buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(value.Length)];
        if (!Convert.TryFromBase64String(value, buffer, out int written) || value.Any(char.IsWhiteSpace))
        {
            throw new RsaKeyException($"The {name} is not standard base64.");
        }

        return buffer[..written];
    }
}
