namespace Kms.Attestation.Intel;

/// <summary>The TCB status of an SGX platform and quoting enclave, and the advisories that apply to them.</summary>
public sealed record SgxTcbEvaluation(TcbStatus Status, IReadOnlyList<string> AdvisoryIds, TcbStatus PlatformStatus, TcbStatus QeStatus);

/// <summary>
/// Computes an SGX platform's TCB status the way Intel's Quote Verification Library does: the first TCB level whose
/// SGX TCB component SVNs 1..16 and PCESVN the PCK certificate all reach gives the platform status; the QE report,
/// judged against the QE identity, gives the QE status; the two converge with OutOfDate dominating. Advisory ids are
/// those of the platform level followed by those of the QE level.
/// </summary>
public static class SgxTcbEvaluator
{
    /// <summary>Evaluates the TCB; throws <see cref="AttestationException"/> when no level matches or the QE is not Intel's.</summary>
    public static SgxTcbEvaluation Evaluate(SgxTcbInfo tcbInfo, PckCertificateExtensions pck, EnclaveIdentity qeIdentity, ReadOnlySpan<byte> qeReport)
    {
        ArgumentNullException.ThrowIfNull(tcbInfo);
        ArgumentNullException.ThrowIfNull(qeIdentity);
        SgxTcbLevel platform = tcbInfo.TcbLevels.FirstOrDefault(level => IntelTcbRules.PckMeets(pck, level.SgxComponents, level.PceSvn))
            ?? throw IntelTcbRules.TcbLevelNotSupported();
        List<string> advisories = [.. platform.AdvisoryIds];
        TcbStatus qeStatus = IntelTcbRules.EvaluateQe(qeIdentity, qeReport, advisories);
        return new SgxTcbEvaluation(
            IntelTcbRules.Converge(platform.Status, qeStatus), advisories.Distinct(StringComparer.Ordinal).ToArray(), platform.Status, qeStatus);
    }
}
