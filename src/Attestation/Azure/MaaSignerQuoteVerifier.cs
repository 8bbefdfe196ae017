using System.Collections.Concurrent;
using System.Security.Cryptography;
using Kms.Attestation.Sgx;

namespace Kms.Attestation.Azure;

/// <summary>
/// Checks that an Azure Attestation signing key comes from an accepted enclave: the SGX quote embedded in the key's
/// certificate (<see cref="MaaSigningCertificate"/>) must bind the certificate's key in its report data, come from one
/// of <see cref="MaaSignerQuoteOptions.AcceptedEnclaves"/>, and verify end to end with the <see cref="SgxQuoteVerifier"/>
/// (signatures, PCK chain and CRLs, TCB info and QE identity, the SGX verifier's TCB and debug policy).
/// A certificate that passed is trusted for <see cref="MaaSignerQuoteOptions.RecheckInterval"/>.
/// </summary>
public sealed class MaaSignerQuoteVerifier
{
    /// <summary>Platform id key under which <see cref="MaaEvidenceVerifier"/> reports the outcome.</summary>
    public const string PlatformIdKey = "maa_signer_quote";

    private const int MaxCachedCertificates = 64;

    private readonly MaaSignerQuoteOptions _options;
    private readonly SgxQuoteVerifier? _sgx;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    /// <param name="options">Accepted enclaves and whether a quote is required.</param>
    /// <param name="sgx">The SGX verifier (with the collateral source and TCB policy for MAA's platforms); required when enclaves are accepted.</param>
    /// <param name="timeProvider">The clock for the recheck interval; default <see cref="TimeProvider.System"/>.</param>
    public MaaSignerQuoteVerifier(MaaSignerQuoteOptions options, SgxQuoteVerifier? sgx, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.AcceptedEnclaves.Count > 0 && sgx is null)
        {
            throw new ArgumentException("Accepted MAA enclaves need an SGX quote verifier.", nameof(sgx));
        }

        _options = options;
        _sgx = sgx;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A verifier that checks no quotes (and requires none): what <see cref="MaaEvidenceVerifier"/> uses by default.</summary>
    public static MaaSignerQuoteVerifier NotChecking { get; } = new(new MaaSignerQuoteOptions(), null);

    /// <summary>
    /// Checks the quote of <paramref name="key"/>'s certificate. Returns what was established: "sgx:{MRENCLAVE hex}"
    /// when the quote verified, "not-checked" when no enclaves are configured, "absent" / "no-certificate" when the key
    /// carries no quote and none is required. Throws <see cref="AttestationException"/> otherwise.
    /// </summary>
    public async ValueTask<string> RequireAcceptedAsync(MaaSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Certificate is not { } certificate)
        {
            return _options.RequireQuote
                ? throw new AttestationException(AttestationFailureKind.PolicyViolation, $"Signing key {key.KeyId} has no certificate, so no SGX quote; the policy requires one.")
                : "no-certificate";
        }

        if (certificate.EmbeddedQuote is not { } quoteBytes)
        {
            return _options.RequireQuote
                ? throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The signing certificate of key {key.KeyId} carries no SGX quote; the policy requires one.")
                : "absent";
        }

        if (_options.AcceptedEnclaves.Count == 0)
        {
            return "not-checked";
        }

        string cacheKey = Convert.ToHexStringLower(SHA256.HashData(certificate.Certificate.RawDataMemory.Span));
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (_verified.TryGetValue(cacheKey, out Verified? cached)
            && now >= cached.At && now - cached.At < _options.RecheckInterval
            && cached.Der.AsSpan().SequenceEqual(certificate.Certificate.RawDataMemory.Span))
        {
            return cached.Outcome;
        }

        SgxQuote quote = SgxQuote.Parse(quoteBytes);
        if (!CryptographicOperations.FixedTimeEquals(quote.ReportData.Span, certificate.ExpectedQuoteReportData.Span))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, $"The SGX quote in the signing certificate of key {key.KeyId} does not bind the certificate's key.");
        }

        SgxMeasurements enclave = quote.ToMeasurements();
        if (!_options.AcceptedEnclaves.Any(identity => identity.Matches(enclave)))
        {
            throw new AttestationException(
                AttestationFailureKind.PolicyViolation,
                $"The enclave behind key {key.KeyId} (MRSIGNER {Convert.ToHexStringLower(enclave.MrSigner.Span)}, product {enclave.IsvProdId}, SVN {enclave.IsvSvn}) is not an accepted MAA enclave.");
        }

        await _sgx!.VerifyQuoteAsync(quote, certificate.ExpectedQuoteReportData, cancellationToken).ConfigureAwait(false);
        string outcome = "sgx:" + Convert.ToHexStringLower(enclave.MrEnclave.Span);
        if (_verified.Count >= MaxCachedCertificates)
        {
            _verified.Clear();
        }

        _verified[cacheKey] = new Verified(certificate.Certificate.RawData, now, outcome);
        return outcome;
    }

    private sealed record Verified(byte[] Der, DateTimeOffset At, string Outcome);
}
