using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.X509;

namespace Kms.Attestation.Intel;

/// <summary>The platform behind a quote whose signatures and PCK chain verified: its PCK certificate's SGX extension and the current root CRL.</summary>
internal sealed record VerifiedPlatform(PckCertificateExtensions Pck, CertificateRevocationList RootCrl);

/// <summary>A quoting enclave whose certification data verified: its PCK chain (links), the CA, and its attestation key imported.</summary>
internal sealed record VerifiedQe(PckChain Chain, VerifiedCa Ca, ECDsa AttestationKey);

/// <summary>
/// Verifies Intel DCAP quotes end to end; what SGX and TDX share lives here. First the checks that need no collateral:
/// Intel's QE vendor id, the PCK chain to the pinned Intel SGX Root CA, the QE report signature by the PCK key, the
/// binding of the attestation key into the QE report, and the quote signature by the attestation key. The checks of
/// the certification data (all but the quote signature) are done once per quoting enclave and cached by its exact
/// bytes, so a quote of a known platform costs one P-256 verification plus parsing, time and revocation checks and
/// TCB evaluation against collateral that is itself cached by its exact bytes (new collateral is verified anew). Then the
/// revocation of the PCK chain (root and PCK CRLs), the TEE's TCB evaluation from signed TCB info and QE identity, and
/// the caller's policy (report data, debug, accepted TCB statuses). Time comes from a <see cref="TimeProvider"/>.
/// </summary>
/// <typeparam name="TQuote">The TEE's quote type.</typeparam>
/// <typeparam name="TPolicy">The TEE's policy type.</typeparam>
public abstract class DcapQuoteVerifier<TQuote, TPolicy> : IEvidenceVerifier
    where TQuote : DcapQuote
    where TPolicy : DcapVerificationPolicy<TPolicy>, new()
{
    private readonly VerificationCache _cache;
    private readonly TPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly TeeType _tee;
    private readonly string _teeName;
    private readonly string _verifiedQeKind;

    /// <param name="collateralSource">Where TCB info, QE identity and CRLs come from.</param>
    /// <param name="policy">Accepted TCB statuses and debug; default <see cref="DcapVerificationPolicy{TSelf}.Default"/>.</param>
    /// <param name="timeProvider">The clock for validity checks; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cache">Cache of verified collateral; default a private cache of 1024 entries.</param>
    /// <param name="trustAnchor">The Intel SGX Root CA (a synthetic root in tests).</param>
    /// <param name="evidenceType">The evidence type name, e.g. "tdx-dcap".</param>
    /// <param name="tee">The TEE type raw evidence is reported as.</param>
    /// <param name="teeName">What runs in a quote's body, for messages ("TD", "enclave").</param>
    private protected DcapQuoteVerifier(
        ICollateralSource collateralSource,
        TPolicy? policy,
        TimeProvider? timeProvider,
        VerificationCache? cache,
        X509Certificate2 trustAnchor,
        string evidenceType,
        TeeType tee,
        string teeName)
    {
        ArgumentNullException.ThrowIfNull(collateralSource);
        _cache = cache ?? new VerificationCache();
        Collateral = new IntelCollateralVerifier(collateralSource, _cache, trustAnchor);
        _verifiedQeKind = Collateral.AnchorTag + "verified-qe";
        _policy = policy ?? DcapVerificationPolicy<TPolicy>.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
        EvidenceType = evidenceType;
        _tee = tee;
        _teeName = teeName;
    }

    /// <inheritdoc />
    public string EvidenceType { get; }

    private protected IntelCollateralVerifier Collateral { get; }

    /// <inheritdoc />
    public ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default) =>
        VerifyParsedAsync(Parse(evidence), expectedReportData, _tee, cancellationToken);

    /// <summary>Verifies a parsed quote and reports it as <paramref name="tee"/>.</summary>
    private protected async ValueTask<VerifiedEvidence> VerifyParsedAsync(TQuote quote, ReadOnlyMemory<byte> expectedReportData, TeeType tee, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        if (expectedReportData.Length != 64)
        {
            throw new ArgumentException($"Expected {_teeName} report data must be 64 bytes.", nameof(expectedReportData));
        }

        try
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            VerifiedPlatform platform = await VerifyPlatformAsync(quote, now, cancellationToken).ConfigureAwait(false);
            (TcbStatus status, IReadOnlyList<string> advisoryIds) = await EvaluateTcbAsync(quote, platform, now, cancellationToken).ConfigureAwait(false);
            _policy.Require(quote, expectedReportData.Span, status, _teeName);
            return AddMeasurements(quote, new VerifiedEvidence
            {
                Tee = tee,
                ReportData = quote.ReportData,
                TcbStatus = status,
                AdvisoryIds = advisoryIds,
                Debug = quote.IsDebug,
                PlatformIds = new Dictionary<string, string>
                {
                    ["fmspc"] = Convert.ToHexStringLower(platform.Pck.Fmspc.Span),
                    ["pceid"] = Convert.ToHexStringLower(platform.Pck.PceId.Span),
                },
            });
        }
        catch (CryptographicException ex)
        {
            // Keys and certificates inside evidence or collateral that the platform's crypto library cannot decode.
            throw new AttestationException(AttestationFailureKind.Malformed, "A key or certificate in the evidence or its collateral cannot be decoded.", ex);
        }
    }

    /// <summary>Parses the evidence as the TEE's quote.</summary>
    private protected abstract TQuote Parse(ReadOnlyMemory<byte> evidence);

    /// <summary>The TCB status and advisory ids of the platform and its quoting enclave, from the TEE's signed collateral.</summary>
    private protected abstract ValueTask<(TcbStatus Status, IReadOnlyList<string> AdvisoryIds)> EvaluateTcbAsync(
        TQuote quote, VerifiedPlatform platform, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The evidence with the TEE's measurements added.</summary>
    private protected abstract VerifiedEvidence AddMeasurements(TQuote quote, VerifiedEvidence evidence);

    private async ValueTask<VerifiedPlatform> VerifyPlatformAsync(TQuote quote, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!quote.QeVendorId.Span.SequenceEqual(DcapQuote.IntelQeVendorId))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "The quote was not produced by Intel's quoting enclave (QE vendor id).");
        }

        // What certifies the attestation key (PCK chain, QE report and its signature, the key's binding) is the same in
        // every quote of a quoting enclave: verified once per exact byte string, then only time and revocation per quote.
        VerifiedQe qe = _cache.GetOrAdd(_verifiedQeKind, quote.QeCertification.Span, default, () => VerifyQe(quote));
        Collateral.RequireValidAt(qe.Chain, qe.Ca, now);
        if (!qe.AttestationKey.VerifyData(quote.SignedRegion.Span, quote.Signature.Span, HashAlgorithmName.SHA256))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The quote signature does not verify with the attestation key.");
        }

        CertificateRevocationList rootCrl = await Collateral.GetRootCrlAsync(now, cancellationToken).ConfigureAwait(false);
        await Collateral.RequirePckNotRevokedAsync(qe.Chain, qe.Ca, rootCrl, now, cancellationToken).ConfigureAwait(false);
        return new VerifiedPlatform(qe.Chain.Extensions, rootCrl);
    }

    /// <summary>The checks that depend only on the quote's certification data, not on time or collateral.</summary>
    private VerifiedQe VerifyQe(TQuote quote)
    {
        // Platform identity: PCK chain up to the pinned root (links; validity and revocation are checked per quote).
        PckChain chain = Collateral.ParsePckChain(quote.PckCertChainPem);
        VerifiedCa ca = Collateral.VerifyPckChainLinks(chain);

        // The PCK key signed the QE report; the QE report binds the attestation key.
        if (!chain.LeafKey.VerifyData(quote.QeReport.Span, quote.QeReportSignature.Span, HashAlgorithmName.SHA256))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The QE report signature does not verify with the PCK key.");
        }

        RequireAttestationKeyBinding(quote);
        return new VerifiedQe(chain, ca, ImportAttestationKey(quote.AttestationKey.Span));
    }

    private static void RequireAttestationKeyBinding(TQuote quote)
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
