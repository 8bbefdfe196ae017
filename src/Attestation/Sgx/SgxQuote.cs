using System.Buffers.Binary;
using Kms.Attestation.Intel;

namespace Kms.Attestation.Sgx;

/// <summary>
/// A parsed Intel SGX DCAP quote: version 3, or version 4 with an SGX report body (TEE type 0), with ECDSA-256
/// attestation and a PCK certificate chain (certification data type 5). Parsing only checks structure;
/// <see cref="SgxQuoteVerifier"/> checks signatures.
/// </summary>
/// <remarks>
/// Unlike TDX guests, SGX quoting libraries return buffers of exactly the quote's size, so bytes after the signature
/// data are refused rather than ignored.
/// </remarks>
public sealed class SgxQuote : DcapQuote
{
    /// <summary>TEE type of SGX in the quote header (a reserved, zero field in version 3).</summary>
    public const uint SgxTeeType = 0;

    /// <summary>Size of the SGX report body.</summary>
    public const int BodySize = 384;

    /// <summary>ATTRIBUTES.FLAGS bit 1: the enclave runs in debug mode.</summary>
    public const byte DebugFlag = 0x02;

    private const string Name = "SGX quote";

    // SGX report body layout (Intel SGX DCAP quote library reference, sgx_report_body_t).
    private const int CpuSvnOffset = 0;
    private const int MiscSelectOffset = 16;
    private const int IsvExtProdIdOffset = 32;
    private const int AttributesOffset = 48;
    private const int MrEnclaveOffset = 64;
    private const int MrSignerOffset = 128;
    private const int ConfigIdOffset = 192;
    private const int IsvProdIdOffset = 256;
    private const int IsvSvnOffset = 258;
    private const int ConfigSvnOffset = 260;
    private const int IsvFamilyIdOffset = 304;
    private const int ReportDataOffset = 320;

    private SgxQuote(ReadOnlyMemory<byte> quote)
        : base(quote, Name, HeaderSize, BodySize)
    {
    }

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> ReportData => Body.Slice(ReportDataOffset, 64);

    /// <summary>ATTRIBUTES.FLAGS bit 1 (DEBUG).</summary>
    public override bool IsDebug => (Body.Span[AttributesOffset] & DebugFlag) != 0;

    /// <summary>Parses an SGX quote. Throws <see cref="AttestationException"/> (Malformed or UnsupportedVersion) on bad input.</summary>
    public static SgxQuote Parse(ReadOnlyMemory<byte> quote)
    {
        (ushort version, uint teeType) = ReadHeader(quote.Span, Name);
        if (version is not (3 or 4))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"SGX quote version {version} is not supported (3 and 4 are).");
        }

        if (teeType != SgxTeeType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TEE type 0x{teeType:X} is not SGX (0).");
        }

        SgxQuote parsed = new(quote);
        if (parsed.TrailingByteCount != 0)
        {
            throw AttestationException.Malformed($"The SGX quote has {parsed.TrailingByteCount} bytes after its signature data.");
        }

        return parsed;
    }

    /// <summary>The enclave's identity and attributes from the report body.</summary>
    public SgxMeasurements ToMeasurements()
    {
        ReadOnlyMemory<byte> b = Body;
        ReadOnlySpan<byte> s = b.Span;
        return new SgxMeasurements
        {
            MrEnclave = b.Slice(MrEnclaveOffset, 32),
            MrSigner = b.Slice(MrSignerOffset, 32),
            IsvProdId = BinaryPrimitives.ReadUInt16LittleEndian(s[IsvProdIdOffset..]),
            IsvSvn = BinaryPrimitives.ReadUInt16LittleEndian(s[IsvSvnOffset..]),
            Attributes = b.Slice(AttributesOffset, 16),
            MiscSelect = BinaryPrimitives.ReadUInt32LittleEndian(s[MiscSelectOffset..]),
            CpuSvn = b.Slice(CpuSvnOffset, 16),
            ConfigId = b.Slice(ConfigIdOffset, 64),
            ConfigSvn = BinaryPrimitives.ReadUInt16LittleEndian(s[ConfigSvnOffset..]),
            IsvExtProdId = b.Slice(IsvExtProdIdOffset, 16),
            IsvFamilyId = b.Slice(IsvFamilyIdOffset, 16),
        };
    }
}
