using System.Buffers.Binary;
using Kms.Attestation.Intel;

namespace Kms.Attestation.Tdx;

/// <summary>
/// A parsed Intel TDX DCAP quote (version 4, or version 5 with a TDX 1.0 or TDX 1.5 body) with ECDSA-256 attestation
/// and QE report certification data. Parsing only checks structure; <see cref="TdxQuoteVerifier"/> checks signatures.
/// </summary>
/// <remarks>
/// Bytes after the signature data (as its length field delimits it) are not interpreted and not signed. They are
/// tolerated, as google/go-tdx-guest (kept as <c>ExtraBytes</c>) and Phala's dcap-qvl (SCALE decode ignores the
/// remaining input) tolerate them, because quote buffers returned by TDX guests are often zero-padded. Inside the
/// signature data every length must match exactly.
/// </remarks>
public sealed class TdxQuote : DcapQuote
{
    /// <summary>TEE type of TDX in the quote header.</summary>
    public const uint TdxTeeType = 0x81;

    /// <summary>Size of a TDX 1.0 TD report body.</summary>
    public const int Tdx10BodySize = 584;

    /// <summary>Size of a TDX 1.5 TD report body.</summary>
    public const int Tdx15BodySize = 648;

    private const string Name = "TDX quote";

    private TdxQuote(ReadOnlyMemory<byte> quote, ushort bodyType, int bodyOffset, int bodySize)
        : base(quote, Name, bodyOffset, bodySize)
    {
        BodyType = bodyType;
    }

    /// <summary>Body type: 2 (TDX 1.0) or 3 (TDX 1.5). Version 4 quotes always carry a TDX 1.0 body.</summary>
    public ushort BodyType { get; }

    /// <summary>REPORTDATA (64 bytes) from the TD report body.</summary>
    public override ReadOnlyMemory<byte> ReportData => Body.Slice(520, 64);

    /// <summary>TDATTRIBUTES bit 0: the TD runs in debug mode.</summary>
    public override bool IsDebug => (Body.Span[120] & 1) != 0;

    /// <summary>TEE_TCB_SVN (16 bytes).</summary>
    public ReadOnlyMemory<byte> TeeTcbSvn => Body[..16];

    /// <summary>MRSIGNERSEAM (48 bytes).</summary>
    public ReadOnlyMemory<byte> MrSignerSeam => Body.Slice(64, 48);

    /// <summary>SEAMATTRIBUTES (8 bytes).</summary>
    public ReadOnlyMemory<byte> SeamAttributes => Body.Slice(112, 8);

    /// <summary>Parses a TDX quote. Throws <see cref="AttestationException"/> (Malformed or UnsupportedVersion) on bad input.</summary>
    public static TdxQuote Parse(ReadOnlyMemory<byte> quote)
    {
        ReadOnlySpan<byte> q = quote.Span;
        (ushort version, uint teeType) = ReadHeader(q, Name);
        if (version is not (4 or 5))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TDX quote version {version} is not supported (4 and 5 are).");
        }

        if (teeType != TdxTeeType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TEE type 0x{teeType:X} is not TDX (0x81).");
        }

        int offset = HeaderSize;
        ushort bodyType = 2;
        int bodySize = Tdx10BodySize;
        if (version == 5)
        {
            Require(q, offset, 6, Name, "v5 body descriptor");
            bodyType = BinaryPrimitives.ReadUInt16LittleEndian(q[offset..]);
            uint declaredSize = BinaryPrimitives.ReadUInt32LittleEndian(q[(offset + 2)..]);
            bodySize = bodyType switch
            {
                2 => Tdx10BodySize,
                3 => Tdx15BodySize,
                _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TDX v5 body type {bodyType} is not supported (2 = TDX 1.0, 3 = TDX 1.5 are)."),
            };
            if (declaredSize != (uint)bodySize)
            {
                throw AttestationException.Malformed($"TDX v5 body type {bodyType} declares {declaredSize} bytes; it must be {bodySize}.");
            }

            offset += 6;
        }

        return new TdxQuote(quote, bodyType, offset, bodySize);
    }

    /// <summary>The TD's measurement registers and attributes.</summary>
    public TdxMeasurements ToMeasurements()
    {
        ReadOnlyMemory<byte> b = Body;
        return new TdxMeasurements
        {
            TeeTcbSvn = b[..16],
            MrSeam = b.Slice(16, 48),
            MrSignerSeam = b.Slice(64, 48),
            SeamAttributes = b.Slice(112, 8),
            TdAttributes = b.Slice(120, 8),
            Xfam = b.Slice(128, 8),
            MrTd = b.Slice(136, 48),
            MrConfigId = b.Slice(184, 48),
            MrOwner = b.Slice(232, 48),
            MrOwnerConfig = b.Slice(280, 48),
            Rtmrs = [b.Slice(328, 48), b.Slice(376, 48), b.Slice(424, 48), b.Slice(472, 48)],
            // Typed nulls: a bare null would convert to an empty ReadOnlyMemory through the byte[] conversion.
            TeeTcbSvn2 = BodyType == 3 ? b.Slice(584, 16) : (ReadOnlyMemory<byte>?)null,
            MrServiceTd = BodyType == 3 ? b.Slice(600, 48) : (ReadOnlyMemory<byte>?)null,
        };
    }
}
