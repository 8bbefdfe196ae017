using System.Buffers.Binary;

namespace Kms.Attestation.Intel;

/// <summary>
/// The parts of Intel's TCB status rules (Quote Verification Library) that SGX and TDX quotes share: matching the PCK
/// certificate's SGX TCB against a TCB level, judging the quoting enclave against its identity, and converging statuses.
/// </summary>
public static class IntelTcbRules
{
    // QE report layout (SGX report body).
    private const int MiscSelectOffset = 16;
    private const int AttributesOffset = 48;
    private const int MrSignerOffset = 128;
    private const int IsvProdIdOffset = 256;
    private const int IsvSvnOffset = 258;

    /// <summary>True when every SGX TCB component SVN and the PCESVN of the PCK certificate reach the level's.</summary>
    public static bool PckMeets(PckCertificateExtensions pck, byte[] sgxComponents, ushort pceSvn)
    {
        ArgumentNullException.ThrowIfNull(pck);
        return AllAtLeast(pck.SgxTcbComponents.Span, sgxComponents, 0) && pck.PceSvn >= pceSvn;
    }

    /// <summary>The refusal when no TCB level matches the platform (Intel: "TCB level not supported").</summary>
    public static AttestationException TcbLevelNotSupported() =>
        new(AttestationFailureKind.TcbNotAcceptable, "The platform's TCB is below every TCB level of the TCB info (TCB level not supported).");

    /// <summary>Checks the QE report against the QE identity and returns the QE's TCB status.</summary>
    public static TcbStatus EvaluateQe(EnclaveIdentity identity, ReadOnlySpan<byte> qeReport, List<string>? advisories = null)
    {
        uint miscSelect = BinaryPrimitives.ReadUInt32LittleEndian(qeReport[MiscSelectOffset..]);
        if ((miscSelect & identity.MiscSelectMask) != (identity.MiscSelect & identity.MiscSelectMask)
            || !MaskedEqual(qeReport.Slice(AttributesOffset, 16), identity.Attributes, identity.AttributesMask)
            || !qeReport.Slice(MrSignerOffset, 32).SequenceEqual(identity.MrSigner)
            || BinaryPrimitives.ReadUInt16LittleEndian(qeReport[IsvProdIdOffset..]) != identity.IsvProdId)
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The quoting enclave does not match Intel's {identity.Id} identity (MRSIGNER, ISVPRODID, MISCSELECT or ATTRIBUTES).");
        }

        ushort isvSvn = BinaryPrimitives.ReadUInt16LittleEndian(qeReport[IsvSvnOffset..]);
        EnclaveTcbLevel? level = identity.TcbLevels.FirstOrDefault(l => isvSvn >= l.IsvSvn);
        if (level is null)
        {
            return TcbStatus.OutOfDate;
        }

        advisories?.AddRange(level.AdvisoryIds);
        return level.Status;
    }

    /// <summary>Combines a platform status with a module or QE status the way Intel's QVL converges them.</summary>
    public static TcbStatus Converge(TcbStatus platform, TcbStatus other)
    {
        if (platform == TcbStatus.Revoked || other == TcbStatus.Revoked)
        {
            return TcbStatus.Revoked;
        }

        if (other is TcbStatus.OutOfDate or TcbStatus.OutOfDateConfigurationNeeded)
        {
            return platform switch
            {
                TcbStatus.UpToDate or TcbStatus.SWHardeningNeeded => TcbStatus.OutOfDate,
                TcbStatus.ConfigurationNeeded or TcbStatus.ConfigurationAndSWHardeningNeeded => TcbStatus.OutOfDateConfigurationNeeded,
                _ => platform,
            };
        }

        return platform;
    }

    /// <summary>True when <paramref name="actual"/>[i] ≥ <paramref name="required"/>[i] for every i in [start, 16).</summary>
    internal static bool AllAtLeast(ReadOnlySpan<byte> actual, byte[] required, int start)
    {
        for (int i = start; i < 16; i++)
        {
            if (actual[i] < required[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="actual"/> and <paramref name="expected"/> agree on every bit of <paramref name="mask"/>.</summary>
    internal static bool MaskedEqual(ReadOnlySpan<byte> actual, byte[] expected, byte[] mask)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if ((actual[i] & mask[i]) != (expected[i] & mask[i]))
            {
                return false;
            }
        }

        return true;
    }
}
