using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kms.Attestation.Azure;

/// <summary>The hardware report kind inside an Azure HCL report (IGVM request data REPORT_TYPE).</summary>
public enum HclReportType
{
    /// <summary>An AMD SEV-SNP ATTESTATION_REPORT (1184 bytes).</summary>
    Snp = 2,

    /// <summary>An Intel TDX TDREPORT (1024 bytes); the verifiable TD quote for it comes separately.</summary>
    Tdx = 4,
}

/// <summary>
/// The Azure confidential-VM HCL attestation report, as read from vTPM NV index 0x01400001: a 32-byte header
/// ("HCLA", version, report size, request type, status, reserved), the hardware report in a 1184-byte slot, then the
/// IGVM request data (data size, version, report type, report-data hash type, variable data size) followed by the
/// variable data: the runtime-claims JSON whose hash the hardware report carries in its report data.
/// </summary>
public sealed class HclReport
{
    private const uint Signature = 0x414C4348; // "HCLA"
    private const int HeaderSize = 32;
    private const int HardwareReportSlot = 1184;
    private const int RequestDataOffset = HeaderSize + HardwareReportSlot;
    private const int RequestDataHeaderSize = 20;
    private const int VariableDataOffset = RequestDataOffset + RequestDataHeaderSize;
    private const int MaxSize = 64 * 1024;

    private HclReport(HclReportType reportType, HashAlgorithmName hashAlgorithm, byte[] hardwareReport, byte[] runtimeData)
    {
        ReportType = reportType;
        HashAlgorithm = hashAlgorithm;
        HardwareReport = hardwareReport;
        RuntimeData = runtimeData;
    }

    public HclReportType ReportType { get; }

    /// <summary>How the runtime data is hashed into the hardware report's report data.</summary>
    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>The SNP report (1184 bytes) or the TDREPORT (1024 bytes).</summary>
    public ReadOnlyMemory<byte> HardwareReport { get; }

    /// <summary>The runtime-claims JSON bytes exactly as hashed.</summary>
    public ReadOnlyMemory<byte> RuntimeData { get; }

    /// <summary>The 64-byte report data the hardware report must carry: hash(runtime data) zero-padded.</summary>
    public byte[] ExpectedHardwareReportData()
    {
        byte[] expected = new byte[64];
        if (HashAlgorithm == HashAlgorithmName.SHA256)
        {
            SHA256.HashData(RuntimeData.Span, expected);
        }
        else if (HashAlgorithm == HashAlgorithmName.SHA384)
        {
            SHA384.HashData(RuntimeData.Span, expected);
        }
        else
        {
            SHA512.HashData(RuntimeData.Span, expected);
        }

        return expected;
    }

    /// <summary>Parses an HCL report strictly. Throws <see cref="AttestationException"/> (Malformed / UnsupportedVersion).</summary>
    public static HclReport Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < VariableDataOffset || data.Length > MaxSize)
        {
            throw AttestationException.Malformed($"An HCL report is {VariableDataOffset} to {MaxSize} bytes; got {data.Length}.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Signature)
        {
            throw AttestationException.Malformed("The HCL report does not start with \"HCLA\".");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (version is not (1 or 2))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"HCL report header version {version} is not supported.");
        }

        uint reportSize = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        uint requestType = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        if (requestType != 2 || status != 0 || data.Slice(20, 12).ContainsAnyExcept((byte)0))
        {
            throw AttestationException.Malformed("The HCL report header has an unexpected request type, status or reserved bytes.");
        }

        ReadOnlySpan<byte> request = data[RequestDataOffset..];
        uint dataSize = BinaryPrimitives.ReadUInt32LittleEndian(request);
        uint requestVersion = BinaryPrimitives.ReadUInt32LittleEndian(request[4..]);
        uint reportType = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        uint hashType = BinaryPrimitives.ReadUInt32LittleEndian(request[12..]);
        uint variableSize = BinaryPrimitives.ReadUInt32LittleEndian(request[16..]);
        if (requestVersion != 1)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"IGVM request data version {requestVersion} is not supported.");
        }

        if (variableSize > (uint)(data.Length - VariableDataOffset) || dataSize != variableSize + RequestDataHeaderSize || reportSize != VariableDataOffset + variableSize)
        {
            throw AttestationException.Malformed("The HCL report's sizes are inconsistent.");
        }

        if (data[(VariableDataOffset + (int)variableSize)..].ContainsAnyExcept((byte)0))
        {
            throw AttestationException.Malformed("The HCL report has non-zero bytes after its runtime data.");
        }

        HashAlgorithmName hash = hashType switch
        {
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA384,
            3 => HashAlgorithmName.SHA512,
            _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"HCL report-data hash type {hashType} is not supported."),
        };

        (HclReportType type, int hardwareSize) = reportType switch
        {
            2 => (HclReportType.Snp, 1184),
            4 => (HclReportType.Tdx, 1024),
            _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"HCL hardware report type {reportType} is not supported."),
        };

        if (data.Slice(HeaderSize + hardwareSize, HardwareReportSlot - hardwareSize).ContainsAnyExcept((byte)0))
        {
            throw AttestationException.Malformed("The HCL report's hardware report slot has non-zero padding.");
        }

        return new HclReport(
            type,
            hash,
            data.Slice(HeaderSize, hardwareSize).ToArray(),
            data.Slice(VariableDataOffset, (int)variableSize).ToArray());
    }
}
