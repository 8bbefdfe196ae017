using System.Buffers.Binary;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// A share holder's partial evaluation Z_i = s_i·B with a <see cref="ThresholdDleqProof"/> that
/// log_G(s_i·G) = log_B(Z_i). Encoding (133 bytes): u16 big-endian index ‖ 33-byte compressed Z_i ‖ 98-byte proof
/// (t2 ‖ t3 ‖ s, see <see cref="ThresholdDleqProof"/>).
/// </summary>
/// <remarks>The index is always in [1, <see cref="ScalarShare.MaxIndex"/>] and Z_i is never the identity.</remarks>
public sealed record PartialEvaluation
{
    /// <summary>Size of the encoding.</summary>
    public const int EncodedSize = 2 + P256Curve.CompressedPointSize + ThresholdDleqProof.EncodedSize;

    private readonly int _index;
    private readonly P256Element _element;
    private readonly ThresholdDleqProof _proof;

    /// <summary>Creates a partial evaluation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [1, <see cref="ScalarShare.MaxIndex"/>].</exception>
    /// <exception cref="ArgumentException">The element is the identity or not on P-256.</exception>
    public PartialEvaluation(int index, ECPoint evaluatedElement, ThresholdDleqProof proof)
        : this(index, P256Element.FromECPoint(evaluatedElement), proof)
    {
    }

    internal PartialEvaluation(int index, P256Element element, ThresholdDleqProof proof)
    {
        ScalarShare.ValidateIndex(index);
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(proof);
        _index = index;
        _element = element;
        _proof = proof;
    }

    /// <summary>The holder's index i (the x-coordinate of its share).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [1, <see cref="ScalarShare.MaxIndex"/>].</exception>
    public int Index
    {
        get => _index;
        init
        {
            ScalarShare.ValidateIndex(value);
            _index = value;
        }
    }

    /// <summary>Z_i = s_i·B.</summary>
    /// <exception cref="ArgumentException">Set to the identity or a point not on P-256.</exception>
    public ECPoint EvaluatedElement
    {
        get => _element.ToECPoint();
        init => _element = P256Element.FromECPoint(value);
    }

    /// <summary>The proof that Z_i and the holder's public share have the same discrete logarithm.</summary>
    public ThresholdDleqProof Proof
    {
        get => _proof;
        init => _proof = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Z_i in the multipliers' form, with its encoding.</summary>
    internal P256Element Element => _element;

    /// <summary>Decodes a partial evaluation, rejecting bad lengths, indices, points (the identity included) and scalars.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is malformed.</exception>
    public static PartialEvaluation Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new CryptographicFormatException($"A partial evaluation must be {EncodedSize} bytes, got {encoded.Length}.");
        }

        int index = BinaryPrimitives.ReadUInt16BigEndian(encoded);
        if (index < 1 || index > ScalarShare.MaxIndex)
        {
            throw new CryptographicFormatException($"A share index must be in [1, {ScalarShare.MaxIndex}].");
        }

        P256Element element = P256Element.Decode(encoded.Slice(2, P256Curve.CompressedPointSize));
        ThresholdDleqProof proof = ThresholdDleqProof.Decode(encoded[(2 + P256Curve.CompressedPointSize)..]);
        return new PartialEvaluation(index, element, proof);
    }

    /// <summary>Returns the 133-byte encoding.</summary>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)_index);
        _element.Encoded.CopyTo(encoded.AsSpan(2));
        _proof.WriteTo(encoded.AsSpan(2 + P256Curve.CompressedPointSize));
        return encoded;
    }

    /// <summary>Compares index, element and proof.</summary>
    public bool Equals(PartialEvaluation? other) =>
        other is not null && _index == other._index && _element.Equals(other._element) && _proof.Equals(other._proof);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_index, _element);

    /// <inheritdoc/>
    public override string ToString() => $"PartialEvaluation {{ Index = {_index}, EvaluatedElement = {_element} }}";
}

/// <summary>The combined evaluation k·B and which holders were used or rejected.</summary>
/// <param name="EvaluatedElement">Σ λ_i·Z_i over <paramref name="UsedIndices"/> = k·B.</param>
/// <param name="UsedIndices">The t holders whose partials were interpolated.</param>
/// <param name="RejectedIndices">Holders whose partial failed its proof.</param>
public sealed record ThresholdEvaluation(ECPoint EvaluatedElement, IReadOnlyList<int> UsedIndices, IReadOnlyList<int> RejectedIndices);
