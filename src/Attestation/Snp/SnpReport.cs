using System.Buffers.Binary;

namespace Kms.Attestation.Snp;

/// <summary>
/// A parsed AMD SEV-SNP ATTESTATION_REPORT (versions 2 and 3, 1184 bytes; AMD SEV-SNP ABI specification,
/// table "ATTESTATION_REPORT Structure"). Parsing is strict: reserved fields must be zero, the signature
/// algorithm must be ECDSA P-384 with SHA-384, and the unused high bytes of the signature components must be zero.
/// </summary>
public sealed class SnpReport
{
    /// <summary>The size of a report in bytes.</summary>
    public const int Size = 0x4A0;

    /// <summary>The number of leading bytes covered by the signature.</summary>
    public const int SignedLength = 0x2A0;

    private const int SignatureOffset = 0x2A0;
    private const int SignatureComponentLength = 72;
    private const int P384ScalarLength = 48;
    private const uint EcdsaP384Sha384 = 1;

    private readonly byte[] _raw;

    private SnpReport(byte[] raw, SnpMeasurements measurements, SnpSigningKey signingKey, bool chipIdMasked, bool authorKeyEnabled)
    {
        _raw = raw;
        Measurements = measurements;
        SigningKey = signingKey;
        ChipIdMasked = chipIdMasked;
        AuthorKeyEnabled = authorKeyEnabled;
    }

    /// <summary>The report fields in the common evidence model.</summary>
    public SnpMeasurements Measurements { get; }

    /// <summary>Which endorsement key signed the report.</summary>
    public SnpSigningKey SigningKey { get; }

    /// <summary>MASK_CHIP_ID: the firmware zeroed CHIP_ID in this report.</summary>
    public bool ChipIdMasked { get; }

    /// <summary>AUTHOR_KEY_EN: the guest was launched with an author key.</summary>
    public bool AuthorKeyEnabled { get; }

    /// <summary>REPORT_DATA (64 bytes) supplied by the guest.</summary>
    public ReadOnlySpan<byte> ReportData => _raw.AsSpan(0x50, 64);

    /// <summary>The bytes the signature covers (0x000..0x29F).</summary>
    public ReadOnlySpan<byte> SignedBytes => _raw.AsSpan(0, SignedLength);

    /// <summary>True when guest policy bit 19 (DEBUG) is set.</summary>
    public bool DebugAllowed => (Measurements.Policy & (1UL << 19)) != 0;

    /// <summary>The whole report as received.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>
    /// Writes the signature as IEEE P1363 r‖s (big-endian, 48 bytes each), converting from the report's little-endian
    /// 72-byte fields.
    /// </summary>
    public void WriteSignatureP1363(Span<byte> destination)
    {
        if (destination.Length < 2 * P384ScalarLength)
        {
            throw new ArgumentException("The destination must hold 96 bytes.", nameof(destination));
        }

        ReadOnlySpan<byte> sig = _raw.AsSpan(SignatureOffset);
        sig[..P384ScalarLength].CopyTo(destination);
        destination[..P384ScalarLength].Reverse();
        sig.Slice(SignatureComponentLength, P384ScalarLength).CopyTo(destination.Slice(P384ScalarLength));
        destination.Slice(P384ScalarLength, P384ScalarLength).Reverse();
    }

    /// <summary>Parses a report. Throws <see cref="AttestationException"/> (Malformed / UnsupportedVersion) on any violation.</summary>
    public static SnpReport Parse(ReadOnlySpan<byte> report)
    {
        if (report.Length != Size)
        {
            throw AttestationException.Malformed($"An SEV-SNP report is {Size} bytes; got {report.Length}.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(report);
        if (version is not (2 or 3))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"SEV-SNP report version {version} is not supported (2 and 3 are).");
        }

        uint signatureAlgorithm = BinaryPrimitives.ReadUInt32LittleEndian(report[0x34..]);
        if (signatureAlgorithm != EcdsaP384Sha384)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"SEV-SNP signature algorithm {signatureAlgorithm} is not supported (1 = ECDSA P-384 SHA-384).");
        }

        ulong policy = BinaryPrimitives.ReadUInt64LittleEndian(report[0x08..]);
        if ((policy & (1UL << 16)) == 0)
        {
            throw AttestationException.Malformed("SEV-SNP guest policy bit 16 (reserved, must be one) is zero.");
        }

        uint vmpl = BinaryPrimitives.ReadUInt32LittleEndian(report[0x30..]);
        if (vmpl > 3)
        {
            throw AttestationException.Malformed($"SEV-SNP VMPL {vmpl} is out of range (0..3).");
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(report[0x48..]);
        uint signingKeyField = (flags >> 2) & 0x7;
        SnpSigningKey signingKey = signingKeyField switch
        {
            0 => SnpSigningKey.Vcek,
            1 => SnpSigningKey.Vlek,
            7 => throw new AttestationException(AttestationFailureKind.BadSignature, "The SEV-SNP report is unsigned (SIGNING_KEY = none)."),
            _ => throw AttestationException.Malformed($"SEV-SNP SIGNING_KEY value {signingKeyField} is reserved."),
        };
        if ((flags & ~0x1FU) != 0)
        {
            throw AttestationException.Malformed("SEV-SNP report flags have reserved bits set.");
        }

        RequireZero(report, 0x4C, 4, "reserved field at 0x4C");
        int cpuidEnd = version >= 3 ? 0x18B : 0x188;
        RequireZero(report, cpuidEnd, 0x1A0 - cpuidEnd, "reserved field after REPORTED_TCB");
        RequireZero(report, 0x1EB, 1, "reserved byte of CURRENT version");
        RequireZero(report, 0x1EF, 1, "reserved byte of COMMITTED version");
        RequireZero(report, 0x1F8, SignatureOffset - 0x1F8, "reserved field before the signature");
        RequireZero(report, SignatureOffset + P384ScalarLength, SignatureComponentLength - P384ScalarLength, "high bytes of signature R");
        RequireZero(report, SignatureOffset + SignatureComponentLength + P384ScalarLength, SignatureComponentLength - P384ScalarLength, "high bytes of signature S");
        RequireZero(report, SignatureOffset + 2 * SignatureComponentLength, Size - SignatureOffset - 2 * SignatureComponentLength, "reserved field after the signature");

        byte[] raw = report.ToArray();
        var measurements = new SnpMeasurements
        {
            Version = version,
            GuestSvn = BinaryPrimitives.ReadUInt32LittleEndian(report[0x04..]),
            Policy = policy,
            FamilyId = raw.AsMemory(0x10, 16),
            ImageId = raw.AsMemory(0x20, 16),
            Vmpl = vmpl,
            CurrentTcb = BinaryPrimitives.ReadUInt64LittleEndian(report[0x38..]),
            PlatformInfo = BinaryPrimitives.ReadUInt64LittleEndian(report[0x40..]),
            Measurement = raw.AsMemory(0x90, 48),
            HostData = raw.AsMemory(0xC0, 32),
            IdKeyDigest = raw.AsMemory(0xE0, 48),
            AuthorKeyDigest = raw.AsMemory(0x110, 48),
            ReportId = raw.AsMemory(0x140, 32),
            ReportedTcb = BinaryPrimitives.ReadUInt64LittleEndian(report[0x180..]),
            CpuidFamily = version >= 3 ? report[0x188] : null,
            CpuidModel = version >= 3 ? report[0x189] : null,
            CpuidStepping = version >= 3 ? report[0x18A] : null,
            ChipId = raw.AsMemory(0x1A0, 64),
            CommittedTcb = BinaryPrimitives.ReadUInt64LittleEndian(report[0x1E0..]),
            LaunchTcb = BinaryPrimitives.ReadUInt64LittleEndian(report[0x1F0..]),
        };
        return new SnpReport(raw, measurements, signingKey, chipIdMasked: (flags & 0x2) != 0, authorKeyEnabled: (flags & 0x1) != 0);
    }

    /// <summary>
    /// The processor family that the CPUID fields of a version 3 report name, or null for version 2 reports
    /// (which do not carry CPUID). Family 19h models 00h-0Fh are Milan, 10h-1Fh and A0h-AFh Genoa; family 1Ah
    /// models 00h-11h are Turin.
    /// </summary>
    public SnpProcessorFamily? CpuidProcessorFamily()
    {
        if (Measurements.CpuidFamily is not byte family || Measurements.CpuidModel is not byte model)
        {
            return null;
        }

        return (family, model) switch
        {
            (0x19, <= 0x0F) => SnpProcessorFamily.Milan,
            (0x19, >= 0x10 and <= 0x1F) => SnpProcessorFamily.Genoa,
            (0x19, >= 0xA0 and <= 0xAF) => SnpProcessorFamily.Genoa,
            (0x1A, <= 0x11) => SnpProcessorFamily.Turin,
            _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"CPUID family {family:X2}h model {model:X2}h is not a supported SEV-SNP processor."),
        };
    }

    private static void RequireZero(ReadOnlySpan<byte> report, int offset, int length, string what)
    {
        if (report.Slice(offset, length).ContainsAnyExcept((byte)0))
        {
            throw AttestationException.Malformed($"SEV-SNP report {what} must be zero.");
        }
    }
}
