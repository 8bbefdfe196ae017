using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;

namespace Kms.Attestation.Tdx;

/// <summary>
/// Verifies Intel TDX DCAP quotes end to end: the quote signature by the attestation key, the QE report signature by
/// the PCK key, the binding of the attestation key into the QE report, the PCK chain to the pinned Intel SGX Root CA
/// with CRLs, TCB info and QE identity signatures and validity, the TCB status (Intel QVL rules), debug mode and report
/// data. Collateral comes from an <see cref="ICollateralSource"/>; time from a <see cref="TimeProvider"/>.
/// </summary>
public sealed class TdxQuoteVerifier : DcapQuoteVerifier<TdxQuote, TdxVerificationPolicy>
{
    /// <summary>The evidence type name of raw TDX DCAP quotes.</summary>
    public const string TypeName = "tdx-dcap";

    /// <summary>A verifier anchored at the pinned Intel SGX Root CA.</summary>
    /// <param name="collateralSource">Where TCB info, QE identity and CRLs come from.</param>
    /// <param name="policy">Accepted TCB statuses and debug; default <see cref="DcapVerificationPolicy{TSelf}.Default"/>.</param>
    /// <param name="timeProvider">The clock for validity checks; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cache">Cache of verified collateral; default a private cache of 1024 entries.</param>
    public TdxQuoteVerifier(ICollateralSource collateralSource, TdxVerificationPolicy? policy = null, TimeProvider? timeProvider = null, VerificationCache? cache = null)
        : this(collateralSource, policy, timeProvider, cache, IntelSgxRootCa.Certificate)
    {
    }

    /// <summary>Tests only: a verifier anchored at another root, to exercise revocation with a synthetic PKI.</summary>
    internal TdxQuoteVerifier(ICollateralSource collateralSource, TdxVerificationPolicy? policy, TimeProvider? timeProvider, VerificationCache? cache, X509Certificate2 trustAnchor)
        : base(collateralSource, policy, timeProvider, cache, trustAnchor, TypeName, TeeType.Tdx, "TD")
    {
    }

    /// <summary>
    /// Verifies an already parsed quote. <paramref name="tee"/> is the TEE type reported in the result (for example
    /// <see cref="TeeType.AzureTdx"/> when the quote is the hardware link of an Azure HCL report, whose expected report
    /// data is SHA-256 of the HCL runtime data followed by 32 zero bytes).
    /// </summary>
    public ValueTask<VerifiedEvidence> VerifyQuoteAsync(TdxQuote quote, ReadOnlyMemory<byte> expectedReportData, TeeType tee = TeeType.Tdx, CancellationToken cancellationToken = default) =>
        VerifyParsedAsync(quote, expectedReportData, tee, cancellationToken);

    private protected override TdxQuote Parse(ReadOnlyMemory<byte> evidence) => TdxQuote.Parse(evidence);

    private protected override async ValueTask<(TcbStatus Status, IReadOnlyList<string> AdvisoryIds)> EvaluateTcbAsync(
        TdxQuote quote, VerifiedPlatform platform, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TdxTcbInfo tcbInfo = await Collateral.GetTcbInfoAsync(TeeType.Tdx, platform.Pck, TdxTcbInfo.Parse, platform.RootCrl, now, cancellationToken).ConfigureAwait(false);
        EnclaveIdentity qeIdentity = await Collateral.GetQeIdentityAsync(TeeType.Tdx, "TD_QE", platform.RootCrl, now, cancellationToken).ConfigureAwait(false);
        TdxTcbEvaluation tcb = TdxTcbEvaluator.Evaluate(
            tcbInfo, platform.Pck, quote.TeeTcbSvn.Span, quote.MrSignerSeam.Span, quote.SeamAttributes.Span, qeIdentity, quote.QeReport.Span);
        return (tcb.Status, tcb.AdvisoryIds);
    }

    private protected override VerifiedEvidence AddMeasurements(TdxQuote quote, VerifiedEvidence evidence) =>
        evidence with { Tdx = quote.ToMeasurements() };
}
