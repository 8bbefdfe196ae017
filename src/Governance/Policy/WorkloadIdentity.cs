using System.Security.Cryptography;

namespace Kms.Governance.Policy;

/// <summary>
/// A 32-byte workload identity: the digest of a workload's measurements (for example the contract-scoped
/// <c>keccak256(contract ‖ RTMR0 ‖ RTMR1 ‖ RTMR2)</c> of the onchain registry). Written as 64 lowercase hex characters.
/// </summary>
public readonly struct WorkloadIdentity : IEquatable<WorkloadIdentity>
{
    /// <summary>The size of an identity in bytes.</summary>
    public const int SizeInBytes = 32;

    private readonly byte[]? _bytes;

    private WorkloadIdentity(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>The 32 identity bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[SizeInBytes];

    /// <summary>Creates an identity from 32 bytes.</summary>
    /// <exception cref="ArgumentException">The input is not 32 bytes.</exception>
    public static WorkloadIdentity FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            throw new ArgumentException($"A workload identity is {SizeInBytes} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new WorkloadIdentity(bytes.ToArray());
    }

    /// <summary>Parses 64 lowercase hex characters (the only spelling policy documents accept).</summary>
    /// <exception cref="FormatException">The text is not 64 lowercase hex characters.</exception>
    public static WorkloadIdentity ParseHex(string text)
    {
        if (!TryParseHex(text, out WorkloadIdentity identity))
        {
            throw new FormatException($"A workload identity is {SizeInBytes * 2} lowercase hex characters.");
        }

        return identity;
    }

    /// <summary>Tries to parse 64 lowercase hex characters.</summary>
    public static bool TryParseHex(string? text, out WorkloadIdentity identity)
    {
        identity = default;
        if (!LowercaseHex.TryDecode(text, SizeInBytes, out byte[]? bytes))
        {
            return false;
        }

        identity = new WorkloadIdentity(bytes);
        return true;
    }

    /// <summary>64 lowercase hex characters.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);

    /// <inheritdoc/>
    public bool Equals(WorkloadIdentity other) => CryptographicOperations.FixedTimeEquals(Bytes, other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WorkloadIdentity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);

    /// <summary>Equality of the identity bytes.</summary>
    public static bool operator ==(WorkloadIdentity left, WorkloadIdentity right) => left.Equals(right);

    /// <summary>Inequality of the identity bytes.</summary>
    public static bool operator !=(WorkloadIdentity left, WorkloadIdentity right) => !left.Equals(right);
}
