using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tdx;

/// <summary>
/// Verifies Intel TDX DCAP quotes end to end: the quote signature by the attestation key, the QE report signature by
/// the PCK key, the binding of the attestation key into the QE report, the PCK chain to the pinned Intel SGX Root CA
/// with CRLs, TCB info and QE identity signatures and validity, the TCB status (Intel QVL rules), debug mode and report
/// data. Collateral comes from an <see cref="ICollateralSource"/>; time from a <see cref="TimeProvider"/>.
/// </summary>
public sealed class TdxQuoteVerifier : IEvidenceVerifier
{
    /// <summary>The evidence type name of raw TDX DCAP quotes.</summary>
    public const string TypeName = "tdx-dcap";

    private readonly IntelCollateralVerifier _collateral;
    private readonly VerificationCache _cache;
    private readonly TdxVerificationPolicy _policy;
    private readonly TimeProvider _timeProvider;

    /// <param name="collateralSource">Where TCB info, QE identity and CRLs come from.</param>
    /// <param name="policy">Accepted TCB statuses and debug; default <see cref="TdxVerificationPolicy.Default"/>.</param>
    /// <param name="timeProvider">The clock for validity checks; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cache">Cache of verified collateral; default a private cache of 1024 entries.</param>
    public TdxQuoteVerifier(ICollateralSource collateralSource, TdxVerificationPolicy? policy = null, TimeProvider? timeProvider = null, VerificationCache? cache = null)
        : this(collateralSource, policy, timeProvider, cache, IntelSgxRootCa.Certificate)
    {
    }

    /// <summary>Tests only: a verifier anchored at another root, to exercise revocation with a synthetic PKI.</summary>
    internal TdxQuoteVerifier(ICollateralSource collateralSource, TdxVerificationPolicy? policy, TimeProvider? timeProvider, VerificationCache? cache, X509Certificate2 trustAnchor)
    {
        ArgumentNullException.ThrowIfNull(collateralSource);
        _cache = cache ?? new VerificationCache();
        _collateral = new IntelCollateralVerifier(collateralSource, _cache, trustAnchor);
        _policy = policy ?? TdxVerificationPolicy.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string EvidenceType => TypeName;

    /// <inheritdoc />
    public ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default) =>
        VerifyQuoteAsync(TdxQuote.Parse(evidence), expectedReportData, TeeType.Tdx, cancellationToken);

    /// <summary>
    /// Verifies an already parsed quote. <paramref name="tee"/> is the TEE type reported in the result (for example
    /// <see cref="TeeType.AzureTdx"/> when the quote is the hardware link of an Azure HCL report, whose expected report
    /// data is SHA-256 of the HCL runtime data followed by 32 zero bytes).
    /// </summary>
    public async ValueTask<VerifiedEvidence> VerifyQuoteAsync(TdxQuote quote, ReadOnlyMemory<byte> expectedReportData, TeeType tee = TeeType.Tdx, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quote);
        if (expectedReportData.Length != 64)
        {
            throw new ArgumentException("Expected TDX report data must be 64 bytes.", nameof(expectedReportData));
        }

        try
        {
            return await VerifyCoreAsync(quote, expectedReportData, tee, cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException ex)
        {
            // Keys and certificates inside evidence or collateral that the platform's crypto library cannot decode.
            throw new AttestationException(AttestationFailureKind.Malformed, "A key or certificate in the evidence or its collateral cannot be decoded.", ex);
        }
    }

    private async ValueTask<VerifiedEvidence> VerifyCoreAsync(TdxQuote quote, ReadOnlyMemory<byte> expectedReportData, TeeType tee, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (!quote.QeVendorId.Span.SequenceEqual(TdxQuote.IntelQeVendorId))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "The quote was not produced by Intel's quoting enclave (QE vendor id).");
        }

        // Platform identity: PCK chain up to the pinned root, with revocation.
        PckChain chain = _collateral.ParsePckChain(quote.PckCertChainPem);
        VerifiedCa ca = _collateral.VerifyPckChain(chain, now);
        CertificateRevocationList rootCrl = await _collateral.GetRootCrlAsync(now, cancellationToken).ConfigureAwait(false);
        await _collateral.RequirePckNotRevokedAsync(chain, ca, rootCrl, now, cancellationToken).ConfigureAwait(false);

        // The PCK key signed the QE report; the QE report binds the attestation key; the attestation key signed the quote.
        if (!chain.LeafKey.VerifyData(quote.QeReport.Span, quote.QeReportSignature.Span, HashAlgorithmName.SHA256))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The QE report signature does not verify with the PCK key.");
        }

        RequireAttestationKeyBinding(quote);
        // A QE keeps its attestation key across quotes; importing (and validating) the point costs more than a
        // signature check, so imported keys are cached by their bytes. The signature is still checked every time.
        ReadOnlyMemory<byte> rawKey = quote.AttestationKey;
        ECDsa attestationKey = _cache.GetOrAdd("attestation-key", rawKey.Span, default, () => ImportAttestationKey(rawKey.Span));
        if (!attestationKey.VerifyData(quote.SignedRegion.Span, quote.Signature.Span, HashAlgorithmName.SHA256))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The quote signature does not verify with the attestation key.");
        }

        // TCB status from signed collateral.
        PckCertificateExtensions pck = chain.Extensions;
        TdxTcbInfo tcbInfo = await _collateral.GetTdxTcbInfoAsync(pck.Fmspc, rootCrl, now, cancellationToken).ConfigureAwait(false);
        if (!tcbInfo.Fmspc.AsSpan().SequenceEqual(pck.Fmspc.Span) || !tcbInfo.PceId.AsSpan().SequenceEqual(pck.PceId.Span))
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, "The TCB info is for another FMSPC or PCE id than the PCK certificate.");
        }

        EnclaveIdentity qeIdentity = await _collateral.GetTdQeIdentityAsync(rootCrl, now, cancellationToken).ConfigureAwait(false);
        TdxTcbEvaluation tcb = TdxTcbEvaluator.Evaluate(
            tcbInfo, pck, quote.TeeTcbSvn.Span, quote.MrSignerSeam.Span, quote.SeamAttributes.Span, qeIdentity, quote.QeReport.Span);

        // Caller's policy: report data binding, debug, acceptable TCB status.
        if (!CryptographicOperations.FixedTimeEquals(quote.ReportData.Span, expectedReportData.Span))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The quote's report data does not match the expected report data.");
        }

        if (quote.IsDebug && !_policy.AllowDebug)
        {
            throw new AttestationException(AttestationFailureKind.DebugNotAllowed, "The TD runs in debug mode and the policy does not allow debug TDs.");
        }

        if (!_policy.AcceptedTcbStatuses.Contains(tcb.Status))
        {
            throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, $"The platform's TCB status {tcb.Status} is not accepted by the policy.");
        }

        return new VerifiedEvidence
        {
            Tee = tee,
            ReportData = quote.ReportData,
            TcbStatus = tcb.Status,
            AdvisoryIds = tcb.AdvisoryIds,
            Debug = quote.IsDebug,
            PlatformIds = new Dictionary<string, string>
            {
                ["fmspc"] = Convert.ToHexStringLower(pck.Fmspc.Span),
                ["pceid"] = Convert.ToHexStringLower(pck.PceId.Span),
            },
            Tdx = quote.ToMeasurements(),
        };
    }

    private static void RequireAttestationKeyBinding(TdxQuote quote)
    {
        // QE REPORTDATA = SHA-256(attestation key ‖ QE authentication data) ‖ 32 zero bytes.
        ReadOnlySpan<byte> reportData = quote.QeReport.Span.Slice(320, 64);
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(quote.AttestationKey.Span);
        hash.AppendData(quote.QeAuthData.Span);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        if (!reportData[..32].SequenceEqual(digest) || reportData[32..].ContainsAnyExcept((byte)0))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The QE report does not bind the quote's attestation key.");
        }
    }

    private static ECDsa ImportAttestationKey(ReadOnlySpan<byte> rawKey)
    {
        try
        {
            return ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = rawKey[..32].ToArray(), Y = rawKey[32..].ToArray() },
            });
        }
        catch (CryptographicException ex)
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The attestation key is not a point on P-256.", ex);
        }
    }
}
