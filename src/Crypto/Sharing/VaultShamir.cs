using System.Security.Cryptography;
using Kms.Crypto.P256;

namespace Kms.Crypto.Sharing;

/// <summary>
/// Shamir secret sharing over GF(2^8), byte-compatible with HashiCorp Vault's <c>shamir</c> package (used for admin
/// recovery shares): each share is the y bytes (one degree t−1 polynomial per secret byte) followed by the x byte.
/// Split picks distinct random non-zero x-coordinates, as current Vault does.
/// </summary>
public static class VaultShamir
{
    /// <summary>Bytes a share adds to the secret (the trailing x byte).</summary>
    public const int ShareOverhead = 1;

    /// <summary>Splits <paramref name="secret"/> into <paramref name="parts"/> shares, any <paramref name="threshold"/> of which recover it.</summary>
    /// <exception cref="ArgumentException">Empty secret, or not 2 ≤ threshold ≤ parts ≤ 255.</exception>
    public static byte[][] Split(ReadOnlySpan<byte> secret, int parts, int threshold)
    {
        if (parts < threshold)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), "Parts cannot be less than the threshold.");
        }

        if (parts > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), "Parts cannot exceed 255.");
        }

        if (threshold < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "The threshold must be at least 2.");
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("Cannot split an empty secret.", nameof(secret));
        }

        byte[] xs = new byte[255];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = (byte)(i + 1);
        }

        RandomNumberGenerator.Shuffle(xs.AsSpan());

        byte[][] shares = new byte[parts][];
        for (int p = 0; p < parts; p++)
        {
            shares[p] = new byte[secret.Length + 1];
            shares[p][secret.Length] = xs[p];
        }

        byte[] coefficients = new byte[threshold];
        try
        {
            for (int idx = 0; idx < secret.Length; idx++)
            {
                coefficients[0] = secret[idx];
                // Like Vault, the leading coefficient is non-zero so the polynomial has exactly degree t−1.
                do
                {
                    RandomNumberGenerator.Fill(coefficients.AsSpan(1));
                }
                while (coefficients[threshold - 1] == 0);

                for (int p = 0; p < parts; p++)
                {
                    shares[p][idx] = Evaluate(coefficients, xs[p]);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coefficients);
        }

        return shares;
    }

    /// <summary>
    /// Recombines shares (at least two, equal length ≥ 2, distinct non-zero x bytes) by Lagrange interpolation at 0.
    /// The caller must zero the returned secret after use.
    /// </summary>
    /// <exception cref="CryptographicFormatException">The shares are malformed or inconsistent.</exception>
    public static byte[] Combine(IReadOnlyList<byte[]> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count < 2)
        {
            throw new CryptographicFormatException("At least two shares are needed to reconstruct the secret.");
        }

        if (parts.Count > 255)
        {
            throw new CryptographicFormatException("At most 255 shares can be combined.");
        }

        int length = parts[0]?.Length ?? 0;
        if (length < 2)
        {
            throw new CryptographicFormatException("A share must be at least two bytes.");
        }

        byte[] xs = new byte[parts.Count];
        var seen = new bool[256];
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i] is null || parts[i].Length != length)
            {
                throw new CryptographicFormatException("All shares must have the same length.");
            }

            byte x = parts[i][length - 1];
            if (x == 0)
            {
                throw new CryptographicFormatException("A share's x-coordinate must not be zero.");
            }

            if (seen[x])
            {
                throw new CryptographicFormatException("Duplicate share x-coordinate.");
            }

            seen[x] = true;
            xs[i] = x;
        }

        // Lagrange basis at 0 depends only on the (public) x-coordinates: compute it once.
        byte[] basis = new byte[parts.Count];
        for (int i = 0; i < parts.Count; i++)
        {
            byte value = 1;
            for (int j = 0; j < parts.Count; j++)
            {
                if (i != j)
                {
                    value = Gf256.Multiply(value, Gf256.Divide(xs[j], Gf256.Add(xs[i], xs[j])));
                }
            }

            basis[i] = value;
        }

        byte[] secret = new byte[length - 1];
        for (int idx = 0; idx < secret.Length; idx++)
        {
            byte result = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                result ^= Gf256.Multiply(parts[i][idx], basis[i]);
            }

            secret[idx] = result;
        }

        return secret;
    }

    private static byte Evaluate(byte[] coefficients, byte x)
    {
        byte result = coefficients[^1];
        for (int j = coefficients.Length - 2; j >= 0; j--)
        {
            result = Gf256.Add(Gf256.Multiply(result, x), coefficients[j]);
        }

        return result;
    }
}
