using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// A 20-byte Ethereum account address. <see cref="ToString"/> formats it with the EIP-55 mixed-case checksum;
/// <see cref="Parse"/> accepts all-lowercase, all-uppercase or correctly checksummed hex (with or without 0x).
/// </summary>
public readonly struct EthereumAddress : IEquatable<EthereumAddress>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 20;

    private readonly byte[]? _bytes;

    private EthereumAddress(byte[] bytes) => _bytes = bytes;

    /// <summary>The zero address (0x000…0).</summary>
    public static EthereumAddress Zero => new(new byte[Length]);

    /// <summary>The 20 address bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Length];

    /// <summary>Creates an address from exactly 20 bytes.</summary>
    /// <exception cref="ArgumentException">Not 20 bytes.</exception>
    public static EthereumAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"An address is {Length} bytes, got {bytes.Length}.", nameof(bytes));
        }

        return new EthereumAddress(bytes.ToArray());
    }

    /// <summary>
    /// The address of a secp256k1 public key: the last 20 bytes of keccak256(X ‖ Y).
    /// Accepts compressed (33) or uncompressed (65) keys and validates the point.
    /// </summary>
    /// <exception cref="Secp256k1Exception">The key is malformed or not on the curve.</exception>
    public static EthereumAddress FromPublicKey(ReadOnlySpan<byte> publicKey)
    {
        byte[] uncompressed = Secp256k1.DecompressPublicKey(publicKey); // also validates that the point is on the curve
        byte[] hash = Keccak256.HashData(uncompressed.AsSpan(1));
        return new EthereumAddress(hash[12..]);
    }

    /// <summary>The address controlled by a private key.</summary>
    public static EthereumAddress FromPrivateKey(ReadOnlySpan<byte> privateKey) => FromPublicKey(Secp256k1.GetPublicKey(privateKey));

    /// <summary>Parses a hex address; mixed case must carry a valid EIP-55 checksum.</summary>
    /// <exception cref="FormatException">Not 40 hex digits, or a mixed-case string with a wrong checksum.</exception>
    public static EthereumAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out EthereumAddress address, out string? error))
        {
            throw new FormatException(error);
        }

        return address;
    }

    /// <summary>Tries to parse a hex address (see <see cref="Parse"/>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EthereumAddress address) => TryParse(text, out address, out _);

    /// <summary>Formats with the EIP-55 checksum, 0x-prefixed.</summary>
    public override string ToString() => ToChecksumString();

    /// <summary>EIP-55: hex digit i is uppercase when nibble i of keccak256(lowercase hex) is ≥ 8.</summary>
    public string ToChecksumString()
    {
        string lower = Convert.ToHexStringLower(Bytes);
        byte[] hash = Keccak256.HashData(System.Text.Encoding.ASCII.GetBytes(lower));
        Span<char> chars = stackalloc char[2 + (2 * Length)];
        chars[0] = '0';
        chars[1] = 'x';
        for (int i = 0; i < lower.Length; i++)
        {
            int nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            char c = lower[i];
            chars[i + 2] = c >= 'a' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
        }

        return new string(chars);
    }

    /// <summary>0x-prefixed lowercase hex (go-ethereum's JSON form).</summary>
    public string ToLowerHexString() => "0x" + Convert.ToHexStringLower(Bytes);

    /// <inheritdoc/>
    public bool Equals(EthereumAddress other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EthereumAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(Bytes[16..]);

    /// <summary>Equality of the address bytes.</summary>
    public static bool operator ==(EthereumAddress left, EthereumAddress right) => left.Equals(right);

    /// <summary>Inequality of the address bytes.</summary>
    public static bool operator !=(EthereumAddress left, EthereumAddress right) => !left.Equals(right);

    private static bool TryParse(string? text, out EthereumAddress address, out string? error)
    {
        address = default;
        if (text is null)
        {
            error = "The address is null.";
            return false;
        }

        ReadOnlySpan<char> hex = text.AsSpan();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != 2 * Length)
        {
            error = $"An address is {2 * Length} hex digits.";
            return false;
        }

        byte[] bytes = new byte[Length];
        for (int i = 0; i < Length; i++)
        {
            if (!byte.TryParse(hex.Slice(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                error = "The address contains a character that is not a hex digit.";
                return false;
            }
        }

        bool hasLower = false;
        bool hasUpper = false;
        foreach (char c in hex)
        {
            hasLower |= c is >= 'a' and <= 'f';
            hasUpper |= c is >= 'A' and <= 'F';
        }

        var candidate = new EthereumAddress(bytes);
        if (hasLower && hasUpper && !candidate.ToChecksumString().AsSpan(2).SequenceEqual(hex))
        {
            error = "The mixed-case address has an invalid EIP-55 checksum.";
            return false;
        }

        address = candidate;
        error = null;
        return true;
    }
}
