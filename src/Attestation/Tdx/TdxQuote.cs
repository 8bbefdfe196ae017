using System.Buffers.Binary;

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
public sealed class TdxQuote
{
    /// <summary>Attestation key type 2: ECDSA-256 with P-256.</summary>
    public const ushort EcdsaP256KeyType = 2;

    /// <summary>TEE type of TDX in the quote header.</summary>
    public const uint TdxTeeType = 0x81;

    /// <summary>Size of the quote header.</summary>
    public const int HeaderSize = 48;

    /// <summary>Size of a TDX 1.0 TD report body.</summary>
    public const int Tdx10BodySize = 584;

    /// <summary>Size of a TDX 1.5 TD report body.</summary>
    public const int Tdx15BodySize = 648;

    /// <summary>Size of the QE (SGX enclave) report.</summary>
    public const int QeReportSize = 384;

    private const int SignatureSize = 64;
    private const int AttestationKeySize = 64;
    private const ushort QeReportCertificationDataType = 6;
    private const ushort PckCertChainCertificationDataType = 5;

    /// <summary>Intel's QE vendor id, 939A7233-F79C-4CA9-940A-0DB3957F0607.</summary>
    public static ReadOnlySpan<byte> IntelQeVendorId =>
        [0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07];

    private TdxQuote(ReadOnlyMemory<byte> raw)
    {
        Raw = raw;
    }

    /// <summary>The quote bytes as received (including any trailing bytes).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    public ushort Version { get; private init; }

    public ushort AttestationKeyType { get; private init; }

    public uint TeeType { get; private init; }

    public ushort QeSvn { get; private init; }

    public ushort PceSvn { get; private init; }

    public ReadOnlyMemory<byte> QeVendorId { get; private init; }

    public ReadOnlyMemory<byte> UserData { get; private init; }

    /// <summary>Body type: 2 (TDX 1.0) or 3 (TDX 1.5). Version 4 quotes always carry a TDX 1.0 body.</summary>
    public ushort BodyType { get; private init; }

    /// <summary>The TD report body (584 or 648 bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; private init; }

    /// <summary>The bytes the attestation key signs: header, (v5) body descriptor, and body.</summary>
    public ReadOnlyMemory<byte> SignedRegion { get; private init; }

    /// <summary>ECDSA signature by the attestation key over <see cref="SignedRegion"/>, raw r‖s.</summary>
    public ReadOnlyMemory<byte> Signature { get; private init; }

    /// <summary>The attestation public key, raw X‖Y on P-256.</summary>
    public ReadOnlyMemory<byte> AttestationKey { get; private init; }

    /// <summary>The 384-byte QE report.</summary>
    public ReadOnlyMemory<byte> QeReport { get; private init; }

    /// <summary>ECDSA signature by the PCK key over <see cref="QeReport"/>, raw r‖s.</summary>
    public ReadOnlyMemory<byte> QeReportSignature { get; private init; }

    public ReadOnlyMemory<byte> QeAuthData { get; private init; }

    /// <summary>The PCK certificate chain, PEM (leaf, intermediate CA, root CA) as the QE embedded it.</summary>
    public ReadOnlyMemory<byte> PckCertChainPem { get; private init; }

    /// <summary>Number of bytes after the quote's signature data (not signed, not interpreted).</summary>
    public int TrailingByteCount { get; private init; }

    /// <summary>REPORTDATA (64 bytes) from the TD report body.</summary>
    public ReadOnlyMemory<byte> ReportData => Body.Slice(520, 64);

    /// <summary>TDATTRIBUTES bit 0: the TD runs in debug mode.</summary>
    public bool IsDebug => (Body.Span[120] & 1) != 0;

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
        if (q.Length < HeaderSize)
        {
            throw AttestationException.Malformed($"TDX quote is {q.Length} bytes, shorter than its {HeaderSize}-byte header.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(q);
        ushort keyType = BinaryPrimitives.ReadUInt16LittleEndian(q[2..]);
        uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(q[4..]);
        if (version is not (4 or 5))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TDX quote version {version} is not supported (4 and 5 are).");
        }

        if (keyType != EcdsaP256KeyType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Attestation key type {keyType} is not supported (2 = ECDSA-256 with P-256 is).");
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
            Require(q, offset, 6, "v5 body descriptor");
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

        Require(q, offset, bodySize, "TD report body");
        int bodyOffset = offset;
        offset += bodySize;
        int signedEnd = offset;

        Require(q, offset, 4, "signature data length");
        uint sigDataLength = BinaryPrimitives.ReadUInt32LittleEndian(q[offset..]);
        offset += 4;
        if (sigDataLength > (uint)(q.Length - offset))
        {
            throw AttestationException.Malformed($"TDX quote signature data declares {sigDataLength} bytes but only {q.Length - offset} remain.");
        }

        int sigStart = offset;
        int sigEnd = offset + (int)sigDataLength;
        ReadOnlySpan<byte> sig = q[sigStart..sigEnd];

        // Signature data: signature (64), attestation key (64), certification data (type 6).
        const int fixedPart = SignatureSize + AttestationKeySize + 6;
        Require(sig, 0, fixedPart, "signature data");
        ushort certType = BinaryPrimitives.ReadUInt16LittleEndian(sig[128..]);
        uint certSize = BinaryPrimitives.ReadUInt32LittleEndian(sig[130..]);
        if (certType != QeReportCertificationDataType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Certification data type {certType} is not supported (6 = QE report certification data is).");
        }

        if (certSize != (uint)(sig.Length - fixedPart))
        {
            throw AttestationException.Malformed($"QE report certification data declares {certSize} bytes but the signature data holds {sig.Length - fixedPart}.");
        }

        int qeStart = sigStart + fixedPart;
        ReadOnlySpan<byte> qe = q.Slice(qeStart, (int)certSize);
        Require(qe, 0, QeReportSize + SignatureSize + 2, "QE report certification data");
        int authLength = BinaryPrimitives.ReadUInt16LittleEndian(qe[(QeReportSize + SignatureSize)..]);
        int authStart = QeReportSize + SignatureSize + 2;
        Require(qe, authStart, authLength, "QE authentication data");
        int nestedStart = authStart + authLength;
        Require(qe, nestedStart, 6, "PCK certification data header");
        ushort nestedType = BinaryPrimitives.ReadUInt16LittleEndian(qe[nestedStart..]);
        uint nestedSize = BinaryPrimitives.ReadUInt32LittleEndian(qe[(nestedStart + 2)..]);
        if (nestedType != PckCertChainCertificationDataType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Nested certification data type {nestedType} is not supported (5 = PCK certificate chain is).");
        }

        if (nestedSize != (uint)(qe.Length - nestedStart - 6))
        {
            throw AttestationException.Malformed($"PCK certificate chain declares {nestedSize} bytes but {qe.Length - nestedStart - 6} remain in the certification data.");
        }

        return new TdxQuote(quote)
        {
            Version = version,
            AttestationKeyType = keyType,
            TeeType = teeType,
            QeSvn = BinaryPrimitives.ReadUInt16LittleEndian(q[8..]),
            PceSvn = BinaryPrimitives.ReadUInt16LittleEndian(q[10..]),
            QeVendorId = quote.Slice(12, 16),
            UserData = quote.Slice(28, 20),
            BodyType = bodyType,
            Body = quote.Slice(bodyOffset, bodySize),
            SignedRegion = quote[..signedEnd],
            Signature = quote.Slice(sigStart, SignatureSize),
            AttestationKey = quote.Slice(sigStart + SignatureSize, AttestationKeySize),
            QeReport = quote.Slice(qeStart, QeReportSize),
            QeReportSignature = quote.Slice(qeStart + QeReportSize, SignatureSize),
            QeAuthData = quote.Slice(qeStart + authStart, authLength),
            PckCertChainPem = quote.Slice(qeStart + nestedStart + 6, (int)nestedSize),
            TrailingByteCount = q.Length - sigEnd,
        };
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

    private static void Require(ReadOnlySpan<byte> data, int offset, int length, string what)
    {
        if ((uint)offset > (uint)data.Length || (uint)length > (uint)(data.Length - offset))
        {
            throw AttestationException.Malformed($"TDX quote is truncated: {what} needs {length} bytes at offset {offset}, {Math.Max(0, data.Length - offset)} available.");
        }
    }
}
