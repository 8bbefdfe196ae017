using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.HashToCurve;
using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// The RFC 9497 ciphersuite P256-SHA256 in one mode: contextString = "OPRFV1-" ‖ I2OSP(mode, 1) ‖ "-P256-SHA256",
/// HashToGroup = hash_to_curve P256_XMD:SHA-256_SSWU_RO_ with DST "HashToGroup-" ‖ contextString,
/// HashToScalar = hash_to_field mod n with DST "HashToScalar-" ‖ contextString, Hash = SHA-256.
/// </summary>
public sealed class OprfSuite
{
    /// <summary>The suite identifier.</summary>
    public const string Identifier = "P256-SHA256";

    /// <summary>Output size Nh in bytes.</summary>
    public const int OutputSize = 32;

    private readonly byte[] _hashToGroupDst;
    private readonly byte[] _hashToScalarDst;

    private OprfSuite(OprfMode mode)
    {
        Mode = mode;
        ContextString = [.. "OPRFV1-"u8, (byte)mode, .. Encoding.ASCII.GetBytes("-" + Identifier)];
        _hashToGroupDst = [.. "HashToGroup-"u8, .. ContextString];
        _hashToScalarDst = [.. "HashToScalar-"u8, .. ContextString];
    }

    /// <summary>P256-SHA256 in mode OPRF (0x00).</summary>
    public static OprfSuite Oprf { get; } = new(OprfMode.Oprf);

    /// <summary>P256-SHA256 in mode VOPRF (0x01).</summary>
    public static OprfSuite Voprf { get; } = new(OprfMode.Voprf);

    /// <summary>The mode.</summary>
    public OprfMode Mode { get; }

    /// <summary>The context string of this suite and mode.</summary>
    public byte[] ContextString { get; }

    /// <summary>Returns the suite for <paramref name="mode"/>.</summary>
    public static OprfSuite For(OprfMode mode) => mode switch
    {
        OprfMode.Oprf => Oprf,
        OprfMode.Voprf => Voprf,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), "Only the OPRF and VOPRF modes are supported."),
    };

    /// <summary>HashToGroup(input); rejects inputs that map to the identity (InvalidInputError).</summary>
    public ECPoint HashToGroup(ReadOnlySpan<byte> input)
    {
        ECPoint element = P256HashToCurve.HashToCurve(input, _hashToGroupDst);
        if (element.IsInfinity)
        {
            throw new OprfException(OprfError.InvalidInput, "The input maps to the identity element.");
        }

        return element;
    }

    /// <summary>HashToScalar(input) with the suite's default DST.</summary>
    public BigInteger HashToScalar(ReadOnlySpan<byte> input) => P256HashToCurve.HashToScalar(input, _hashToScalarDst);

    /// <summary>
    /// DeriveKeyPair(seed, info): deterministic key from a 32-byte seed and public info
    /// (DST "DeriveKeyPair" ‖ contextString).
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes or the info is longer than 65535 bytes.</exception>
    public OprfPrivateKey DeriveKeyPair(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info)
    {
        if (seed.Length != P256Curve.ScalarSize)
        {
            throw new ArgumentException("The seed must be 32 bytes.", nameof(seed));
        }

        if (info.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The info must be at most 65535 bytes.", nameof(info));
        }

        byte[] dst = [.. "DeriveKeyPair"u8, .. ContextString];
        byte[] deriveInput = new byte[seed.Length + 2 + info.Length + 1];
        try
        {
            seed.CopyTo(deriveInput);
            BinaryPrimitives.WriteUInt16BigEndian(deriveInput.AsSpan(seed.Length), (ushort)info.Length);
            info.CopyTo(deriveInput.AsSpan(seed.Length + 2));
            for (int counter = 0; counter <= 255; counter++)
            {
                deriveInput[^1] = (byte)counter;
                BigInteger candidate = P256HashToCurve.HashToScalar(deriveInput, dst);
                if (candidate.SignValue != 0)
                {
                    return new OprfPrivateKey(candidate);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(deriveInput);
        }

        throw new OprfException(OprfError.DeriveKeyPair, "DeriveKeyPair found no valid scalar.");
    }

    /// <summary>
    /// The Finalize hash: SHA-256(I2OSP(len(input), 2) ‖ input ‖ I2OSP(Ne, 2) ‖ SerializeElement(N) ‖ "Finalize"),
    /// where N is the unblinded evaluated element k·HashToGroup(input).
    /// </summary>
    public static byte[] FinalizeHash(ReadOnlySpan<byte> input, ECPoint unblindedElement)
    {
        CheckInputLength(input);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendLengthPrefixed(hash, input);
        AppendLengthPrefixed(hash, P256Curve.EncodePoint(unblindedElement));
        hash.AppendData("Finalize"u8);
        return hash.GetHashAndReset();
    }

    internal static void AppendLengthPrefixed(IncrementalHash hash, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)data.Length);
        hash.AppendData(length);
        hash.AppendData(data);
    }

    internal static void AppendLengthPrefixed(List<byte> buffer, ReadOnlySpan<byte> data)
    {
        buffer.Add((byte)(data.Length >> 8));
        buffer.Add((byte)data.Length);
        buffer.AddRange(data);
    }

    internal static void CheckInputLength(ReadOnlySpan<byte> input)
    {
        if (input.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The input must be at most 65535 bytes.", nameof(input));
        }
    }
}
