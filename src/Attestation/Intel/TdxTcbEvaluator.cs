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

        if (!mrSignerSeam.SequenceEqual(module.MrSigner) || !IntelTcbRules.MaskedEqual(seamAttributes, module.Attributes, module.AttributesMask))
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
            if (IntelTcbRules.PckMeets(pck, level.SgxComponents, level.PceSvn)
                && IntelTcbRules.AllAtLeast(teeTcbSvn, level.TdxComponents, firstTdxComponent))
            {
                platform = level;
                break;
            }
        }

        if (platform is null)
        {
            throw IntelTcbRules.TcbLevelNotSupported();
        }

        advisories.InsertRange(0, platform.AdvisoryIds);
        TcbStatus status = moduleStatus is { } ms ? IntelTcbRules.Converge(platform.Status, ms) : platform.Status;

        TcbStatus qeStatus = IntelTcbRules.EvaluateQe(qeIdentity, qeReport, advisories);
        status = IntelTcbRules.Converge(status, qeStatus);
        return new TdxTcbEvaluation(status, advisories.Distinct(StringComparer.Ordinal).ToArray(), platform.Status, moduleStatus, qeStatus);
    }
}
