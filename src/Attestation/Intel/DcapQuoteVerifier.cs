using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.X509;

namespace Kms.Attestation.Intel;

/// <summary>The platform behind a quote whose signatures and PCK chain verified: its PCK certificate's SGX extension and the current root CRL.</summary>
internal sealed record VerifiedPlatform(PckCertificateExtensions Pck, CertificateRevocationList RootCrl);

/// <summary>
/// Verifies Intel DCAP quotes end to end; what SGX and TDX share lives here. First the checks that need no collateral:
/// Intel's QE vendor id, the PCK chain to the pinned Intel SGX Root CA, the QE report signature by the PCK key, the
/// binding of the attestation key into the QE report, and the quote signature by the attestation key. Then the
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

        // Platform identity: PCK chain up to the pinned root (links and validity; revocation below).
        PckChain chain = Collateral.ParsePckChain(quote.PckCertChainPem);
        VerifiedCa ca = Collateral.VerifyPckChain(chain, now);

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

        CertificateRevocationList rootCrl = await Collateral.GetRootCrlAsync(now, cancellationToken).ConfigureAwait(false);
        await Collateral.RequirePckNotRevokedAsync(chain, ca, rootCrl, now, cancellationToken).ConfigureAwait(false);
        return new VerifiedPlatform(chain.Extensions, rootCrl);
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
