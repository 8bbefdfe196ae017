using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Oprf;

/// <summary>
/// A share holder's proof that log_G(P_i) = log_B(Z_i), where P_i = s_i·G is its public share, B the evaluated element
/// and Z_i = s_i·B its partial evaluation: a Chaum–Pedersen proof sent in commitment form (t2, t3, s) with
/// t2 = r·G, t3 = r·B, c = HashToScalar(transcript) and s = r − c·s_i mod n. It holds when s·G + c·P_i = t2 and
/// s·B + c·Z_i = t3.
/// </summary>
/// <remarks>
/// <para>
/// Encoding (98 bytes): SerializeElement(t2) (33, compressed SEC1) ‖ SerializeElement(t3) (33) ‖ SerializeScalar(s)
/// (32, big-endian, below n). The transcript that gives c is
/// I2OSP(13, 2) ‖ "ThresholdDleq" ‖ I2OSP(len(contextString), 2) ‖ contextString ‖ I2OSP(i, 2) ‖
/// then, each as I2OSP(33, 2) ‖ SerializeElement: P_i, B, Z_i, t2, t3; HashToScalar uses the suite's DST
/// ("HashToScalar-" ‖ contextString). The label keeps these challenges apart from RFC 9497's proofs, and the holder
/// index i makes a proof valid for one holder only.
/// </para>
/// <para>
/// Why not RFC 9497's (c, s) proof (<see cref="DleqProof"/>, still used by the single-key VOPRF): its verifier must
/// recompute t2 and t3 from c and hash them, so every proof is checked on its own with two double multiplications.
/// With t2 and t3 sent, a combiner checks the t proofs of one evaluation at once: with random 128-bit weights ρ_i, σ_i,
/// Σ ρ_i(s_i·G + c_i·P_i − t2_i) + σ_i(s_i·B + c_i·Z_i − t3_i) = 0 is one multi-scalar multiplication, and it
/// fails with probability at least 1 − 2^−128 when any proof is invalid. The RFC's composite (M = d·B, Z = d·Z_i for a
/// hashed weight d) adds nothing for a single element: it only re-randomises the statement.
/// </para>
/// </remarks>
public sealed record ThresholdDleqProof
{
    /// <summary>Size of the encoding.</summary>
    public const int EncodedSize = (2 * P256Curve.CompressedPointSize) + P256Curve.ScalarSize;

    internal ThresholdDleqProof(P256Element t2, P256Element t3, BigInteger s)
    {
        ArgumentNullException.ThrowIfNull(t2);
        ArgumentNullException.ThrowIfNull(t3);
        ArgumentNullException.ThrowIfNull(s);
        if (s.SignValue < 0 || s.CompareTo(P256Curve.Order) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(s), "The response is not reduced modulo the group order.");
        }

        T2 = t2;
        T3 = t3;
        S = s;
    }

    /// <summary>The commitment r·G.</summary>
    internal P256Element T2 { get; }

    /// <summary>The commitment r·B.</summary>
    internal P256Element T3 { get; }

    /// <summary>The response r − c·s_i mod n.</summary>
    internal BigInteger S { get; }

    /// <summary>Decodes a proof: two non-identity compressed points and a scalar below the group order.</summary>
    /// <exception cref="CryptographicFormatException">The proof is malformed.</exception>
    public static ThresholdDleqProof Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new CryptographicFormatException($"A threshold DLEQ proof must be {EncodedSize} bytes, got {encoded.Length}.");
        }

        const int n = P256Curve.CompressedPointSize;
        return new ThresholdDleqProof(
            P256Element.Decode(encoded[..n]),
            P256Element.Decode(encoded.Slice(n, n)),
            P256Curve.DecodeScalar(encoded[(2 * n)..], allowZero: true));
    }

    /// <summary>Returns the 98-byte encoding.</summary>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        WriteTo(encoded);
        return encoded;
    }

    /// <summary>Compares the encodings.</summary>
    public bool Equals(ThresholdDleqProof? other) =>
        other is not null && T2.Equals(other.T2) && T3.Equals(other.T3) && S.Equals(other.S);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(T2, T3);

    /// <inheritdoc/>
    public override string ToString() => $"ThresholdDleqProof {{ {Convert.ToHexStringLower(Encode())} }}";

    internal void WriteTo(Span<byte> destination)
    {
        const int n = P256Curve.CompressedPointSize;
        T2.Encoded.CopyTo(destination);
        T3.Encoded.CopyTo(destination[n..]);
        P256Curve.EncodeScalar(S, destination.Slice(2 * n, P256Curve.ScalarSize));
    }
}
