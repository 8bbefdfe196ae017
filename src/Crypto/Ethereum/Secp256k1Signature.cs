namespace Kms.Crypto.Ethereum;

/// <summary>
/// A recoverable secp256k1 ECDSA signature: <c>r</c>, <c>s</c> (32-byte big-endian each) and the recovery id
/// (0..3; 0/1 in practice: bit 0 is the parity of R.y, bit 1 says R.x overflowed the group order).
/// </summary>
public sealed record Secp256k1Signature
{
    /// <summary>Length of the R‖S‖V encoding.</summary>
    public const int RecoverableLength = 65;

    private readonly byte[] _r;
    private readonly byte[] _s;

    /// <summary>Creates a signature from its parts after range-checking them.</summary>
    /// <exception cref="Secp256k1Exception">r or s is not in [1, n-1] or the recovery id is not in 0..3.</exception>
    public Secp256k1Signature(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, int recoveryId)
    {
        if (r.Length != 32 || s.Length != 32)
        {
            throw new Secp256k1Exception("r and s must be 32 bytes each.");
        }

        if (!Secp256k1.IsValidScalar(r))
        {
            throw new Secp256k1Exception("r is out of range [1, n-1].");
        }

        if (!Secp256k1.IsValidScalar(s))
        {
            throw new Secp256k1Exception("s is out of range [1, n-1].");
        }

        if (recoveryId is < 0 or > 3)
        {
            throw new Secp256k1Exception($"The recovery id must be 0..3, got {recoveryId}.");
        }

        _r = r.ToArray();
        _s = s.ToArray();
        RecoveryId = recoveryId;
    }

    /// <summary>r, 32 bytes big-endian.</summary>
    public ReadOnlySpan<byte> R => _r;

    /// <summary>s, 32 bytes big-endian.</summary>
    public ReadOnlySpan<byte> S => _s;

    /// <summary>The recovery id (0..3).</summary>
    public int RecoveryId { get; }

    /// <summary>Whether s ≤ n/2 (EIP-2 / BIP-62 canonical form).</summary>
    public bool IsLowS => Secp256k1.IsLowS(_s);

    /// <summary>
    /// Parses the 65-byte R‖S‖V form. <paramref name="vOffset"/> is subtracted from the last byte first:
    /// 0 for go-ethereum's <c>crypto.Sign</c> format (V ∈ {0,1}), 27 for EIP-191 / <c>eth_sign</c> signatures.
    /// </summary>
    /// <exception cref="Secp256k1Exception">Wrong length, r/s out of range, or V out of range.</exception>
    public static Secp256k1Signature FromRecoverableBytes(ReadOnlySpan<byte> signature, int vOffset = 0)
    {
        if (signature.Length != RecoverableLength)
        {
            throw new Secp256k1Exception($"A recoverable signature is {RecoverableLength} bytes, got {signature.Length}.");
        }

        int v = signature[64] - vOffset;
        if (v is not (0 or 1))
        {
            throw new Secp256k1Exception($"V must be {vOffset} or {vOffset + 1}, got {signature[64]}.");
        }

        return new Secp256k1Signature(signature[..32], signature[32..64], v);
    }

    /// <summary>Encodes R‖S‖V with V = recovery id + <paramref name="vOffset"/> (0 for go-ethereum, 27 for EIP-191).</summary>
    public byte[] ToRecoverableBytes(int vOffset = 0)
    {
        if (vOffset is < 0 or > 252)
        {
            throw new ArgumentOutOfRangeException(nameof(vOffset));
        }

        byte[] result = new byte[RecoverableLength];
        _r.CopyTo(result, 0);
        _s.CopyTo(result, 32);
        result[64] = (byte)(RecoveryId + vOffset);
        return result;
    }

    /// <inheritdoc/>
    public bool Equals(Secp256k1Signature? other) =>
        other is not null && RecoveryId == other.RecoveryId && _r.AsSpan().SequenceEqual(other._r) && _s.AsSpan().SequenceEqual(other._s);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RecoveryId, BitConverter.ToInt32(_r, 0), BitConverter.ToInt32(_s, 0));
}
