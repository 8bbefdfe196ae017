using Kms.Attestation.Intel;
using Kms.Attestation.X509;

namespace Kms.Attestation.Snp;

/// <summary>How an <see cref="AmdRevocationChecker"/> treats a CRL it cannot use. Both default to false: fail closed.</summary>
public sealed record AmdRevocationOptions
{
    /// <summary>The production default: a missing or expired CRL refuses the evidence.</summary>
    public static AmdRevocationOptions Default { get; } = new();

    /// <summary>Accept evidence when the collateral source has no CRL for the family (reported as "missing"). Default false.</summary>
    public bool AllowMissingCrl { get; init; }

    /// <summary>
    /// Accept evidence when the CRL is outside [thisUpdate, nextUpdate] (reported as "expired"). Its entries still apply:
    /// an intermediate it lists is refused. Default false.
    /// </summary>
    public bool AllowExpiredCrl { get; init; }
}

/// <summary>
/// Checks an SEV-SNP endorsement chain against AMD's KDS CRL for its processor family (<c>vcek</c> CRL for VCEK chains,
/// <c>vlek</c> CRL for VLEK chains): the CRL must be issued and signed by the family's pinned ARK and current, and must
/// not list the ASK (VCEK chains) or ASVK (VLEK chains). Verified CRLs are cached by their exact bytes, so a new CRL in
/// the collateral source takes effect on the next check.
/// </summary>
/// <remarks>
/// AMD's CRL is issued by the ARK, so it can name only certificates the ARK issued: the ASK and ASVK. VCEKs and VLEKs
/// (serial number 0 in KDS) are not individually revocable through it; a revoked intermediate refuses every key it
/// certified, and outdated VCEKs are refused through <see cref="SnpPolicy.MinimumTcb"/>.
/// </remarks>
public sealed class AmdRevocationChecker
{
    /// <summary>Platform id key under which verifiers report the outcome.</summary>
    public const string PlatformIdKey = "amd_crl";

    private readonly ICollateralSource _source;
    private readonly AmdRevocationOptions _options;
    private readonly VerificationCache _cache;
    private readonly Func<SnpProcessorFamily, AmdFamilyChain> _chains;

    /// <param name="source">Where the CRLs come from.</param>
    /// <param name="options">Missing/expired CRL handling; default <see cref="AmdRevocationOptions.Default"/> (fail closed).</param>
    /// <param name="cache">Cache of verified CRLs; default a private cache of 64 entries.</param>
    public AmdRevocationChecker(ICollateralSource source, AmdRevocationOptions? options = null, VerificationCache? cache = null)
        : this(source, options, cache, AmdRootCertificates.For)
    {
    }

    /// <summary>Tests only: chains anchored at test ARKs.</summary>
    internal AmdRevocationChecker(ICollateralSource source, AmdRevocationOptions? options, VerificationCache? cache, Func<SnpProcessorFamily, AmdFamilyChain> chains)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _options = options ?? AmdRevocationOptions.Default;
        _cache = cache ?? new VerificationCache(64);
        _chains = chains;
    }

    /// <summary>The KDS name of the CRL that covers <paramref name="kind"/> chains: "vcek" or "vlek".</summary>
    public static string CrlName(SnpSigningKey kind) => kind == SnpSigningKey.Vlek ? "vlek" : "vcek";

    /// <summary>
    /// Throws <see cref="AttestationException"/> when the family's intermediate for <paramref name="kind"/> is revoked
    /// (Revoked), the CRL does not verify (BadSignature, Malformed), or it is missing (MissingCollateral) or not current
    /// (ExpiredCollateral) and the options do not allow that. Returns "current", "missing" or "expired".
    /// </summary>
    public async ValueTask<string> RequireNotRevokedAsync(SnpProcessorFamily family, SnpSigningKey kind, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        AmdFamilyChain chain = _chains(family);
        string name = CrlName(kind);
        ReadOnlyMemory<byte>? der = await _source.GetAmdCrlAsync(family.ToString(), name, cancellationToken).ConfigureAwait(false);
        if (der is not { IsEmpty: false } bytes)
        {
            return _options.AllowMissingCrl
                ? "missing"
                : throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The AMD {family} {name.ToUpperInvariant()} CRL is not available.");
        }

        CertificateRevocationList crl = _cache.GetOrAdd("amd-crl:" + name, bytes.Span, chain.Ark.Der, () => AmdCrl.VerifyAndParse(bytes, chain.Ark));
        AmdCertificate intermediate = chain.IntermediateFor(kind);
        if (crl.IsRevoked(intermediate.Certificate))
        {
            throw new AttestationException(AttestationFailureKind.Revoked, $"The {intermediate.SubjectCommonName} certificate is revoked by AMD's {family} CRL.");
        }

        if (!crl.IsCurrent(now))
        {
            return _options.AllowExpiredCrl
                ? "expired"
                : throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The AMD {family} {name.ToUpperInvariant()} CRL is valid from {crl.ThisUpdate:O} to {crl.NextUpdate:O}, not at {now:O}.");
        }

        return "current";
    }
}
