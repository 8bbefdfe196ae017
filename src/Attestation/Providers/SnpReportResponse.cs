using System.Buffers.Binary;

namespace Kms.Attestation.Providers;

/// <summary>
/// The firmware's MSG_REPORT_RSP as /dev/sev-guest returns it (SEV-SNP firmware ABI, "MSG_REPORT_RSP"):
/// <c>status (u32 LE) ‖ report_size (u32 LE) ‖ 24 reserved bytes ‖ report</c>.
/// </summary>
internal static class SnpReportResponse
{
    /// <summary>The size of an ATTESTATION_REPORT (versions 2 and 3).</summary>
    public const int ReportSize = 0x4A0;

    /// <summary>The size of the header before the report.</summary>
    public const int HeaderSize = 0x20;

    /// <summary>The report inside a response buffer.</summary>
    /// <exception cref="EvidenceProviderException">The status is an error, or the size is not a report's.</exception>
    public static byte[] Parse(ReadOnlySpan<byte> response)
    {
        if (response.Length < HeaderSize)
        {
            throw Malformed($"The SNP report response is {response.Length} bytes, shorter than its {HeaderSize}-byte header.");
        }

        uint status = BinaryPrimitives.ReadUInt32LittleEndian(response);
        if (status != 0)
        {
            // 0x16: invalid parameters (e.g. a VMPL below the guest's own).
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"The SEV-SNP firmware refused the report request (status 0x{status:x}).");
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(response[4..]);
        if (size != ReportSize)
        {
            throw Malformed($"The SEV-SNP firmware returned a report of {size} bytes; a report is {ReportSize}.");
        }

        if (response.Length < HeaderSize + ReportSize)
        {
            throw Malformed($"The SNP report response is {response.Length} bytes, too short for its {ReportSize}-byte report.");
        }

        if (response[8..HeaderSize].ContainsAnyExcept((byte)0))
        {
            throw Malformed("The SNP report response has non-zero reserved bytes.");
        }

        return response.Slice(HeaderSize, ReportSize).ToArray();
    }

    private static EvidenceProviderException Malformed(string message) => new(EvidenceProviderFailure.MalformedOutput, message);
}
