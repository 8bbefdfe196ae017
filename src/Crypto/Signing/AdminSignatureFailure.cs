namespace Kms.Crypto.Signing;

/// <summary>Why a signed admin request was not accepted by <see cref="AdminRequestSignature"/>.</summary>
public enum AdminSignatureFailure
{
    /// <summary>The request is authentic.</summary>
    None,

    /// <summary>The <c>Kms-Admin-Key</c> header is missing or empty.</summary>
    MissingKeyId,

    /// <summary>The key id is not 1–64 characters of <c>[A-Za-z0-9._-]</c>.</summary>
    MalformedKeyId,

    /// <summary>The <c>Kms-Timestamp</c> header is missing or empty.</summary>
    MissingTimestamp,

    /// <summary>The timestamp is not canonical decimal unix seconds within the supported range.</summary>
    MalformedTimestamp,

    /// <summary>The <c>Kms-Nonce</c> header is missing or empty.</summary>
    MissingNonce,

    /// <summary>The nonce is not unpadded base64url of 16–64 bytes.</summary>
    MalformedNonce,

    /// <summary>The <c>Kms-Signature</c> header is missing or empty.</summary>
    MissingSignature,

    /// <summary>The signature is not unpadded base64url of 64 bytes (P-256 r‖s).</summary>
    MalformedSignature,

    /// <summary>The HTTP method is not a token (RFC 9110) of at most 32 characters.</summary>
    MalformedMethod,

    /// <summary>The request target is not an origin-form path and query of printable ASCII.</summary>
    MalformedTarget,

    /// <summary>The admin public key is not a well-formed DER SubjectPublicKeyInfo.</summary>
    MalformedPublicKey,

    /// <summary>The admin public key is well formed but not an ECDSA P-256 key.</summary>
    UnsupportedPublicKey,

    /// <summary>The signature does not verify over this request with the admin's key.</summary>
    BadSignature,
}
