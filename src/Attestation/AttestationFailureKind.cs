namespace Kms.Attestation;

/// <summary>Why a piece of evidence was refused. Every refusal carries exactly one kind.</summary>
public enum AttestationFailureKind
{
    /// <summary>The bytes do not parse as the claimed evidence type (truncated, bad lengths, bad encoding).</summary>
    Malformed,

    /// <summary>A version, key type, certification data type or algorithm this verifier does not support.</summary>
    UnsupportedVersion,

    /// <summary>A signature over the evidence, a QE report, collateral or a token does not verify.</summary>
    BadSignature,

    /// <summary>A certificate chain does not end at a pinned trust anchor, or a link in it is invalid.</summary>
    UntrustedChain,

    /// <summary>A certificate in the chain is on a revocation list.</summary>
    Revoked,

    /// <summary>Collateral or a certificate is outside its validity window at the verification time.</summary>
    ExpiredCollateral,

    /// <summary>Collateral that verification needs is not available (not cached, fetcher offline).</summary>
    MissingCollateral,

    /// <summary>The platform's TCB status is not one the caller's policy accepts.</summary>
    TcbNotAcceptable,

    /// <summary>The evidence comes from a debug TD / guest and the policy does not allow debug.</summary>
    DebugNotAllowed,

    /// <summary>The report data does not bind the request (nonce and/or public-key hash).</summary>
    ReportDataMismatch,

    /// <summary>A policy check other than TCB or debug failed (measurement, VMPL, chip id, issuer, claims, ...).</summary>
    PolicyViolation,
}
