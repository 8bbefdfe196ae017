using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Attestation.Azure;

/// <summary>
/// The "azure-maa" evidence type: the evidence bytes are an Azure Attestation JWT (UTF-8, compact form). The issuer's
/// JWKS comes from the <see cref="ICollateralSource"/> (never from the token's jku). The report data is bound through
/// <see cref="MaaTokenOptions.ReportDataClaim"/>. A token carries no PCR values, so <see cref="AzureVtpmClaims.Pcrs"/>
/// is empty and the result has no <see cref="VerifiedEvidence.Snp"/> / <see cref="VerifiedEvidence.Tdx"/> registers;
/// the isolation TEE's claims are in <see cref="VerifiedEvidence.PlatformIds"/> under their claim names.
/// TcbStatus is UpToDate when the token passed the compliance-status policy (MAA evaluated the TCB). The signing key's
/// certificate must be current and self-signed, and its embedded SGX quote is checked by a
/// <see cref="MaaSignerQuoteVerifier"/>; the outcome is in PlatformIds["maa_signer_quote"].
/// </summary>
public sealed class MaaEvidenceVerifier : IEvidenceVerifier
{
    private const int MaxCachedKeySets = 32;

    private readonly MaaTokenVerifier _verifier;
    private readonly ICollateralSource _collateral;
    private readonly MaaSignerQuoteVerifier _signerQuotes;
    private readonly ConcurrentDictionary<string, MaaSigningKeys> _keySets = new(StringComparer.Ordinal);
    private KeySet? _lastKeySet;

    /// <summary>A verifier that checks signing certificates (validity, self-signature, key) but not their SGX quotes.</summary>
    public MaaEvidenceVerifier(MaaTokenOptions options, TimeProvider timeProvider, ICollateralSource collateral)
        : this(options, timeProvider, collateral, MaaSignerQuoteVerifier.NotChecking)
    {
    }

    /// <param name="options">Issuers, lifetime and claim policy.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="collateral">Where the issuers' JWKS documents come from.</param>
    /// <param name="signerQuotes">Checks the SGX quote in the signing certificate of the key that signed a token.</param>
    public MaaEvidenceVerifier(MaaTokenOptions options, TimeProvider timeProvider, ICollateralSource collateral, MaaSignerQuoteVerifier signerQuotes)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        ArgumentNullException.ThrowIfNull(signerQuotes);
        _verifier = new MaaTokenVerifier(options, timeProvider);
        _collateral = collateral;
        _signerQuotes = signerQuotes;
    }

    /// <summary>"azure-maa".</summary>
    public string EvidenceType => "azure-maa";

    public async ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default)
    {
        if (expectedReportData.IsEmpty || expectedReportData.Length > 64)
        {
            throw new ArgumentException("The expected report data must be 1 to 64 bytes.", nameof(expectedReportData));
        }

        // The token's bytes are parsed as they are: a compact JWS is ASCII, anything else is refused there.
        using MaaCompactToken parsed = MaaCompactToken.Parse(evidence.Span);
        string issuer = _verifier.ReadAllowedIssuer(parsed);
        string jwks = await _collateral.GetJwksAsync(issuer, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationFailureKind.MissingCollateral, $"No JWKS is available for {issuer}.");
        MaaSigningKeys keys = GetKeys(jwks);
        MaaToken verified = _verifier.Verify(parsed, keys);
        if (!string.Equals(verified.Issuer, issuer, StringComparison.Ordinal))
        {
            // The keys that verified the token are those of `issuer`; a token must not speak for another instance.
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The token's verified issuer is not the one whose keys verified it.");
        }

        byte[] reportData = RequireBinding(verified, expectedReportData.Span);
        keys.TryGetSigningKey(verified.KeyId, out MaaSigningKey? signingKey);
        string signerQuote = await _signerQuotes.RequireAcceptedAsync(signingKey!, cancellationToken).ConfigureAwait(false);

        var platformIds = new Dictionary<string, string>(verified.TeeClaims.Count + 3, StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> claim in verified.TeeClaims)
        {
            platformIds.Add(claim.Key, claim.Value);
        }

        platformIds["maa_issuer"] = verified.Issuer;
        platformIds["maa_tee_type"] = verified.TeeType;
        platformIds[MaaSignerQuoteVerifier.PlatformIdKey] = signerQuote;
        return new VerifiedEvidence
        {
            Tee = verified.TeeType switch
            {
                "sevsnpvm" => TeeType.AzureSevSnp,
                "tdxvm" => TeeType.AzureTdx,

                // AllowedTeeTypes is configurable; a type we cannot name must not be reported as SEV-SNP.
                _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TEE attestation type \"{AttestationException.Printable(verified.TeeType)}\" has no TEE type here."),
            },
            ReportData = reportData,
            TcbStatus = TcbStatus.UpToDate,
            Debug = verified.Debug,
            PlatformIds = platformIds,
            Azure = new AzureVtpmClaims
            {
                Pcrs = new Dictionary<int, ReadOnlyMemory<byte>>(),
                RuntimeClaimsJson = verified.PayloadJson,
                AttestationKeyJwk = verified.AttestationKeyJwk,
                Issuer = verified.Issuer,
            },
        };
    }

    private byte[] RequireBinding(MaaToken token, ReadOnlySpan<byte> expected)
    {
        switch (_verifier.Options.ReportDataClaim)
        {
            case MaaReportDataClaim.ClientPayloadNonce:
                if (token.ClientNonce is not { } nonce || !CryptographicOperations.FixedTimeEquals(nonce, expected))
                {
                    throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The token's client-payload nonce does not bind this request.");
                }

                return nonce;
            default:
                if (token.UserData is not { } userData)
                {
                    throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The token carries no runtime user-data.");
                }

                Snp.SnpReportVerifier.RequireReportData(userData, expected);
                return userData;
        }
    }

    private MaaSigningKeys GetKeys(string jwks)
    {
        // The collateral source hands out the same string while the document is unchanged: no hashing then.
        if (_lastKeySet is { } last && ReferenceEquals(last.Jwks, jwks))
        {
            return last.Keys;
        }

        string cacheKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jwks)));
        if (_keySets.TryGetValue(cacheKey, out MaaSigningKeys? keys))
        {
            _lastKeySet = new KeySet(jwks, keys);
            return keys;
        }

        keys = MaaSigningKeys.Parse(jwks);
        if (_keySets.Count >= MaxCachedKeySets)
        {
            _keySets.Clear();
        }

        keys = _keySets.GetOrAdd(cacheKey, keys);
        _lastKeySet = new KeySet(jwks, keys);
        return keys;
    }

    private sealed record KeySet(string Jwks, MaaSigningKeys Keys);
}
