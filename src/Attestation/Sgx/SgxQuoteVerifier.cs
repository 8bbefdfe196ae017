using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;

namespace Kms.Attestation.Sgx;

/// <summary>
/// Verifies Intel SGX DCAP quotes (version 3, and version 4 with an SGX body) end to end: the quote signature by the
/// attestation key, the QE report signature by the PCK key, the binding of the attestation key into the QE report, the
/// PCK chain to the pinned Intel SGX Root CA with CRLs, the SGX TCB info (version 2 or 3) and QE identity ("QE")
/// signatures and validity, the TCB status by Intel's SGX rules, debug and report data. The result carries the
/// enclave's <see cref="SgxMeasurements"/> for the caller's enclave policy.
/// </summary>
public sealed class SgxQuoteVerifier : DcapQuoteVerifier<SgxQuote, SgxVerificationPolicy>
{
    /// <summary>The evidence type name of raw SGX DCAP quotes.</summary>
    public const string TypeName = "sgx-dcap";

    /// <summary>A verifier anchored at the pinned Intel SGX Root CA.</summary>
    /// <param name="collateralSource">Where SGX TCB info, the QE identity and CRLs come from.</param>
    /// <param name="policy">Accepted TCB statuses and debug; default <see cref="DcapVerificationPolicy{TSelf}.Default"/>.</param>
    /// <param name="timeProvider">The clock for validity checks; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cache">Cache of verified collateral; default a private cache of 1024 entries.</param>
    public SgxQuoteVerifier(ICollateralSource collateralSource, SgxVerificationPolicy? policy = null, TimeProvider? timeProvider = null, VerificationCache? cache = null)
        : this(collateralSource, policy, timeProvider, cache, IntelSgxRootCa.Certificate)
    {
    }

    /// <summary>Tests only: a verifier anchored at another root, to exercise revocation with a synthetic PKI.</summary>
    internal SgxQuoteVerifier(ICollateralSource collateralSource, SgxVerificationPolicy? policy, TimeProvider? timeProvider, VerificationCache? cache, X509Certificate2 trustAnchor)
        : base(collateralSource, policy, timeProvider, cache, trustAnchor, TypeName, TeeType.Sgx, "enclave")
    {
    }

    /// <summary>Verifies an already parsed quote.</summary>
    public ValueTask<VerifiedEvidence> VerifyQuoteAsync(SgxQuote quote, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default) =>
        VerifyParsedAsync(quote, expectedReportData, TeeType.Sgx, cancellationToken);

    private protected override SgxQuote Parse(ReadOnlyMemory<byte> evidence) => SgxQuote.Parse(evidence);

    private protected override async ValueTask<(TcbStatus Status, IReadOnlyList<string> AdvisoryIds)> EvaluateTcbAsync(
        SgxQuote quote, VerifiedPlatform platform, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SgxTcbInfo tcbInfo = await Collateral.GetTcbInfoAsync(TeeType.Sgx, platform.Pck, SgxTcbInfo.Parse, platform.RootCrl, now, cancellationToken).ConfigureAwait(false);
        EnclaveIdentity qeIdentity = await Collateral.GetQeIdentityAsync(TeeType.Sgx, "QE", platform.RootCrl, now, cancellationToken).ConfigureAwait(false);
        SgxTcbEvaluation tcb = SgxTcbEvaluator.Evaluate(tcbInfo, platform.Pck, qeIdentity, quote.QeReport.Span);
        return (tcb.Status, tcb.AdvisoryIds);
    }

    private protected override VerifiedEvidence AddMeasurements(SgxQuote quote, VerifiedEvidence evidence) =>
        evidence with { Sgx = quote.ToMeasurements() };
}
