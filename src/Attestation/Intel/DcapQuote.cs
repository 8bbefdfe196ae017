using System.Buffers.Binary;

namespace Kms.Attestation.Intel;

/// <summary>
/// What every Intel DCAP ECDSA-256 quote carries, whatever its TEE: the 48-byte header, a report body, and the
/// signature data (quote signature, attestation key, QE report and its PCK signature, QE authentication data, PCK
/// certificate chain). Version 3 quotes hold the QE report directly in the signature data; version 4 and 5 quotes wrap
/// it in certification data of type 6. Every length inside the signature data must match exactly.
/// </summary>
public abstract class DcapQuote
{
    /// <summary>Attestation key type 2: ECDSA-256 with P-256.</summary>
    public const ushort EcdsaP256KeyType = 2;

    /// <summary>Size of the quote header.</summary>
    public const int HeaderSize = 48;

    /// <summary>Size of an SGX report body (the QE report, and the body of SGX quotes).</summary>
    public const int QeReportSize = 384;

    private const int SignatureSize = 64;
    private const int AttestationKeySize = 64;
    private const ushort QeReportCertificationDataType = 6;
    private const ushort PckCertChainCertificationDataType = 5;

    /// <summary>Parses the signature data of <paramref name="quote"/>, whose header and body have been checked by the TEE's parser.</summary>
    /// <param name="quote">The quote bytes.</param>
    /// <param name="name">What to call the quote in error messages ("TDX quote", "SGX quote").</param>
    /// <param name="bodyOffset">Where the report body starts (after the header and any body descriptor).</param>
    /// <param name="bodySize">The size of the report body.</param>
    private protected DcapQuote(ReadOnlyMemory<byte> quote, string name, int bodyOffset, int bodySize)
    {
        ReadOnlySpan<byte> q = quote.Span;
        Raw = quote;
        Version = BinaryPrimitives.ReadUInt16LittleEndian(q);
        AttestationKeyType = BinaryPrimitives.ReadUInt16LittleEndian(q[2..]);
        TeeType = BinaryPrimitives.ReadUInt32LittleEndian(q[4..]);
        QeSvn = BinaryPrimitives.ReadUInt16LittleEndian(q[8..]);
        PceSvn = BinaryPrimitives.ReadUInt16LittleEndian(q[10..]);
        QeVendorId = quote.Slice(12, 16);
        UserData = quote.Slice(28, 20);

        Require(q, bodyOffset, bodySize, name, "report body");
        int offset = bodyOffset + bodySize;
        Body = quote.Slice(bodyOffset, bodySize);
        SignedRegion = quote[..offset];

        Require(q, offset, 4, name, "signature data length");
        uint sigDataLength = BinaryPrimitives.ReadUInt32LittleEndian(q[offset..]);
        offset += 4;
        if (sigDataLength > (uint)(q.Length - offset))
        {
            throw AttestationException.Malformed($"The {name} signature data declares {sigDataLength} bytes but only {q.Length - offset} remain.");
        }

        int sigStart = offset;
        int sigEnd = offset + (int)sigDataLength;
        Require(q[..sigEnd], sigStart, SignatureSize + AttestationKeySize, name, "signature and attestation key");
        Signature = quote.Slice(sigStart, SignatureSize);
        AttestationKey = quote.Slice(sigStart + SignatureSize, AttestationKeySize);
        int qeStart = sigStart + SignatureSize + AttestationKeySize;
        if (Version >= 4)
        {
            // Certification data type 6 wraps the QE report, its signature, the QE authentication data and the chain.
            Require(q[..sigEnd], qeStart, 6, name, "certification data header");
            ushort certType = BinaryPrimitives.ReadUInt16LittleEndian(q[qeStart..]);
            uint certSize = BinaryPrimitives.ReadUInt32LittleEndian(q[(qeStart + 2)..]);
            if (certType != QeReportCertificationDataType)
            {
                throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Certification data type {certType} is not supported (6 = QE report certification data is).");
            }

            qeStart += 6;
            if (certSize != (uint)(sigEnd - qeStart))
            {
                throw AttestationException.Malformed($"QE report certification data declares {certSize} bytes but the signature data holds {sigEnd - qeStart}.");
            }
        }

        (QeReport, QeReportSignature, QeAuthData, PckCertChainPem) = ReadQeReportCertificationData(quote[qeStart..sigEnd], name);
        QeCertification = quote[(sigStart + SignatureSize)..sigEnd];
        TrailingByteCount = q.Length - sigEnd;
    }

    /// <summary>Intel's QE vendor id, 939A7233-F79C-4CA9-940A-0DB3957F0607.</summary>
    public static ReadOnlySpan<byte> IntelQeVendorId =>
        [0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07];

    /// <summary>The quote bytes as received (including any trailing bytes).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    public ushort Version { get; }

    public ushort AttestationKeyType { get; }

    /// <summary>TEE type: 0x00000000 for SGX (a reserved field in version 3), 0x00000081 for TDX.</summary>
    public uint TeeType { get; }

    public ushort QeSvn { get; }

    public ushort PceSvn { get; }

    public ReadOnlyMemory<byte> QeVendorId { get; }

    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>The report body (an SGX report body, or a TD report body).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The bytes the attestation key signs: header, (v5) body descriptor, and body.</summary>
    public ReadOnlyMemory<byte> SignedRegion { get; }

    /// <summary>ECDSA signature by the attestation key over <see cref="SignedRegion"/>, raw r‖s.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>
    /// Everything in the signature data after the quote signature: the attestation key and the certification data (QE
    /// report, its signature, QE authentication data, PCK chain). The same for every quote of one quoting enclave.
    /// </summary>
    public ReadOnlyMemory<byte> QeCertification { get; }

    /// <summary>The attestation public key, raw X‖Y on P-256.</summary>
    public ReadOnlyMemory<byte> AttestationKey { get; }

    /// <summary>The 384-byte QE report.</summary>
    public ReadOnlyMemory<byte> QeReport { get; }

    /// <summary>ECDSA signature by the PCK key over <see cref="QeReport"/>, raw r‖s.</summary>
    public ReadOnlyMemory<byte> QeReportSignature { get; }

    public ReadOnlyMemory<byte> QeAuthData { get; }

    /// <summary>The PCK certificate chain, PEM (leaf, intermediate CA, root CA) as the QE embedded it.</summary>
    public ReadOnlyMemory<byte> PckCertChainPem { get; }

    /// <summary>Number of bytes after the quote's signature data (not signed, not interpreted).</summary>
    public int TrailingByteCount { get; }

    /// <summary>REPORTDATA (64 bytes) of the report body.</summary>
    public abstract ReadOnlyMemory<byte> ReportData { get; }

    /// <summary>True when the TD or enclave runs in debug mode (its memory is readable by the host).</summary>
    public abstract bool IsDebug { get; }

    /// <summary>
    /// Checks the header fields every DCAP quote shares: its length and the attestation key type. Returns the version
    /// and TEE type for the TEE's parser to judge.
    /// </summary>
    private protected static (ushort Version, uint TeeType) ReadHeader(ReadOnlySpan<byte> q, string name)
    {
        if (q.Length < HeaderSize)
        {
            throw AttestationException.Malformed($"The {name} is {q.Length} bytes, shorter than its {HeaderSize}-byte header.");
        }

        ushort keyType = BinaryPrimitives.ReadUInt16LittleEndian(q[2..]);
        if (keyType != EcdsaP256KeyType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Attestation key type {keyType} is not supported (2 = ECDSA-256 with P-256 is).");
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(q), BinaryPrimitives.ReadUInt32LittleEndian(q[4..]));
    }

    private protected static void Require(ReadOnlySpan<byte> data, int offset, int length, string name, string what)
    {
        if ((uint)offset > (uint)data.Length || (uint)length > (uint)(data.Length - offset))
        {
            throw AttestationException.Malformed($"The {name} is truncated: {what} needs {length} bytes at offset {offset}, {Math.Max(0, data.Length - offset)} available.");
        }
    }

    // QE report (384), its signature (64), QE authentication data (2 + n), certification data type 5 (2 + 4 + chain).
    private static (ReadOnlyMemory<byte> QeReport, ReadOnlyMemory<byte> Signature, ReadOnlyMemory<byte> AuthData, ReadOnlyMemory<byte> ChainPem) ReadQeReportCertificationData(
        ReadOnlyMemory<byte> data, string name)
    {
        ReadOnlySpan<byte> qe = data.Span;
        Require(qe, 0, QeReportSize + SignatureSize + 2, name, "QE report certification data");
        int authLength = BinaryPrimitives.ReadUInt16LittleEndian(qe[(QeReportSize + SignatureSize)..]);
        int authStart = QeReportSize + SignatureSize + 2;
        Require(qe, authStart, authLength, name, "QE authentication data");
        int chainHeader = authStart + authLength;
        Require(qe, chainHeader, 6, name, "PCK certification data header");
        ushort chainType = BinaryPrimitives.ReadUInt16LittleEndian(qe[chainHeader..]);
        uint chainSize = BinaryPrimitives.ReadUInt32LittleEndian(qe[(chainHeader + 2)..]);
        if (chainType != PckCertChainCertificationDataType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Certification data type {chainType} is not supported (5 = PCK certificate chain is).");
        }

        if (chainSize != (uint)(qe.Length - chainHeader - 6))
        {
            throw AttestationException.Malformed($"The PCK certificate chain declares {chainSize} bytes but {qe.Length - chainHeader - 6} remain in the certification data.");
        }

        return (data[..QeReportSize], data.Slice(QeReportSize, SignatureSize), data.Slice(authStart, authLength), data.Slice(chainHeader + 6, (int)chainSize));
    }
}
