using System.Buffers.Binary;
using System.Security.Cryptography;
using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>
/// One Shamir share over the P-256 scalar field: the point (x, f(x)) of the dealer's polynomial.
/// Encoding (34 bytes): x as u16 big-endian ‖ f(x) as a 32-byte big-endian scalar.
/// </summary>
/// <remarks>
/// The value is secret: it is not a public member, <see cref="ToString"/> omits it and equality compares in constant time.
/// </remarks>
public sealed record ScalarShare
{
    /// <summary>Size in bytes of the encoding.</summary>
    public const int EncodedSize = 2 + P256Curve.ScalarSize;

    /// <summary>The largest x-coordinate (and so the largest number of holders) supported.</summary>
    public const int MaxIndex = 255;

    private readonly BigInteger _value;
    private P256Element? _publicShare;

    internal ScalarShare(int index, BigInteger value)
    {
        ValidateIndex(index);
        ArgumentNullException.ThrowIfNull(value);
        if (value.SignValue < 0 || value.CompareTo(P256Curve.Order) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The share value is not reduced modulo the group order.");
        }

        Index = index;
        _value = value;
    }

    /// <summary>The x-coordinate of the share, in [1, <see cref="MaxIndex"/>].</summary>
    public int Index { get; }

    internal BigInteger Value => _value;

    /// <summary>s_i·G (the identity for a zero share), computed once: it is public and needed for every proof the holder makes.</summary>
    internal ECPoint PublicShare => _value.SignValue == 0 ? P256Curve.Identity : PublicShareElement.ToECPoint();

    /// <summary>s_i·G as an element (with its encoding), computed once.</summary>
    /// <exception cref="InvalidOperationException">The share is zero, so s_i·G is the identity.</exception>
    internal P256Element PublicShareElement
    {
        get
        {
            P256Element? cached = Volatile.Read(ref _publicShare);
            if (cached is null)
            {
                if (_value.SignValue == 0)
                {
                    throw new InvalidOperationException("A zero share has no public share element.");
                }

                Span<byte> scalar = stackalloc byte[P256Curve.ScalarSize];
                P256Curve.EncodeScalar(_value, scalar);
                P256ProjectivePoint product = P256ScalarMultiplier.MultiplyGenerator(scalar);
                CryptographicOperations.ZeroMemory(scalar);
                cached = P256Element.FromProjective(product)!; // a non-zero scalar times G is never the identity
                Volatile.Write(ref _publicShare, cached);
            }

            return cached;
        }
    }

    /// <summary>Creates a share from its index and 32-byte big-endian value.</summary>
    /// <exception cref="CryptographicFormatException">The index or value is out of range.</exception>
    public static ScalarShare Create(int index, ReadOnlySpan<byte> value)
    {
        if (index < 1 || index > MaxIndex)
        {
            throw new CryptographicFormatException($"A share index must be in [1, {MaxIndex}].");
        }

        return new ScalarShare(index, P256Curve.DecodeScalar(value, allowZero: true));
    }

    /// <summary>Decodes the 34-byte encoding, rejecting a wrong length, index 0 or above <see cref="MaxIndex"/> and values ≥ n.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is malformed.</exception>
    public static ScalarShare Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new CryptographicFormatException($"A share must be {EncodedSize} bytes, got {encoded.Length}.");
        }

        return Create(BinaryPrimitives.ReadUInt16BigEndian(encoded), encoded[2..]);
    }

    /// <summary>Returns the 34-byte encoding. The caller owns (and should zero) the returned secret buffer.</summary>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)Index);
        P256Curve.EncodeScalar(_value, encoded.AsSpan(2));
        return encoded;
    }

    /// <summary>Returns the 32-byte value f(x). The caller owns (and should zero) the returned secret buffer.</summary>
    public byte[] ExportValue() => P256Curve.EncodeScalar(_value);

    /// <summary>Constant-time comparison of index and value.</summary>
    public bool Equals(ScalarShare? other)
    {
        if (other is null)
        {
            return false;
        }

        byte[] left = Encode();
        byte[] right = other.Encode();
        try
        {
            return CryptographicOperations.FixedTimeEquals(left, right);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(left);
            CryptographicOperations.ZeroMemory(right);
        }
    }

    /// <inheritdoc/>
    public override int GetHashCode() => Index.GetHashCode();

    /// <summary>Describes the share without its secret value.</summary>
    public override string ToString() => $"ScalarShare {{ Index = {Index} }}";

    internal static void ValidateIndex(int index)
    {
        if (index < 1 || index > MaxIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"A share index must be in [1, {MaxIndex}].");
        }
    }
}
