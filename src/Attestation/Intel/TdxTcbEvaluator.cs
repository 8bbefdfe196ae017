using System.Buffers.Binary;

namespace Kms.Attestation.Intel;

/// <summary>The TCB status of a TDX platform and the advisories that apply to it.</summary>
public sealed record TdxTcbEvaluation(TcbStatus Status, IReadOnlyList<string> AdvisoryIds, TcbStatus PlatformStatus, TcbStatus? ModuleStatus, TcbStatus QeStatus);

/// <summary>
/// Computes a TDX platform's TCB status from TCB info v3 and the QE identity the way Intel's Quote Verification Library
/// does: the first matching TCB level (SGX components and PCESVN from the PCK certificate, TDX components from
/// TEE_TCB_SVN), the TDX module identity for modules with a major version above 0, then the QE's TCB level; the
/// statuses converge with OutOfDate dominating.
/// </summary>
public static class TdxTcbEvaluator
{
    // QE report layout (SGX REPORT body).
    private const int MiscSelectOffset = 16;
    private const int AttributesOffset = 48;
    private const int MrSignerOffset = 128;
    private const int IsvProdIdOffset = 256;
    private const int IsvSvnOffset = 258;

    /// <summary>Evaluates the TCB; throws <see cref="AttestationException"/> when no level matches or an identity differs.</summary>
    public static TdxTcbEvaluation Evaluate(
        TdxTcbInfo tcbInfo,
        PckCertificateExtensions pck,
        ReadOnlySpan<byte> teeTcbSvn,
        ReadOnlySpan<byte> mrSignerSeam,
        ReadOnlySpan<byte> seamAttributes,
        EnclaveIdentity qeIdentity,
        ReadOnlySpan<byte> qeReport)
    {
        List<string> advisories = [];

        // TDX module identity: for module major version (TEE_TCB_SVN[1]) 0 the "tdxModule" object, else "TDX_xx".
        byte moduleVersion = teeTcbSvn[1];
        TcbStatus? moduleStatus = null;
        TdxModuleIdentity module = tcbInfo.TdxModule;
        if (moduleVersion > 0)
        {
            string id = $"TDX_{moduleVersion:X2}";
            module = tcbInfo.TdxModuleIdentities.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase))
                ?? throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, $"The TCB info has no TDX module identity {id}.");
        }

        if (!mrSignerSeam.SequenceEqual(module.MrSigner) || !MaskedEqual(seamAttributes, module.Attributes, module.AttributesMask))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The TDX module's MRSIGNERSEAM or SEAMATTRIBUTES do not match TDX module identity {module.Id}.");
        }

        if (moduleVersion > 0)
        {
            byte moduleSvn = teeTcbSvn[0];
            TdxModuleTcbLevel level = module.TcbLevels.FirstOrDefault(l => moduleSvn >= l.IsvSvn)
                ?? throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, $"The TDX module SVN {teeTcbSvn[0]} is below every TCB level of {module.Id}.");
            moduleStatus = level.Status;
            advisories.AddRange(level.AdvisoryIds);
        }

        // Platform TCB level. For module major version > 0 the first two TDX components were judged above.
        int firstTdxComponent = moduleVersion > 0 ? 2 : 0;
        TdxTcbLevel? platform = null;
        foreach (TdxTcbLevel level in tcbInfo.TcbLevels)
        {
            if (AllAtLeast(pck.SgxTcbComponents.Span, level.SgxComponents, 0)
                && pck.PceSvn >= level.PceSvn
                && AllAtLeast(teeTcbSvn, level.TdxComponents, firstTdxComponent))
            {
                platform = level;
                break;
            }
        }

        if (platform is null)
        {
            throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, "The platform's TCB is below every TCB level of the TCB info (TCB level not supported).");
        }

        advisories.InsertRange(0, platform.AdvisoryIds);
        TcbStatus status = moduleStatus is { } ms ? Converge(platform.Status, ms) : platform.Status;

        TcbStatus qeStatus = EvaluateQe(qeIdentity, qeReport, advisories);
        status = Converge(status, qeStatus);
        return new TdxTcbEvaluation(status, advisories.Distinct(StringComparer.Ordinal).ToArray(), platform.Status, moduleStatus, qeStatus);
    }

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

    private static bool AllAtLeast(ReadOnlySpan<byte> actual, byte[] required, int start)
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

    private static bool MaskedEqual(ReadOnlySpan<byte> actual, byte[] expected, byte[] mask)
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
