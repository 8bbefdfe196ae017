namespace Kms.Api;

/// <summary>The kinds of client-visible failure every API family maps its errors to.</summary>
public enum ApiErrorKind
{
    /// <summary>The request is malformed (bad JSON, bad encoding, missing field): 400.</summary>
    MalformedInput,

    /// <summary>The caller did not prove who or what it is (no or invalid evidence/credentials): 401.</summary>
    Unauthenticated,

    /// <summary>The caller is known, but policy does not allow the operation: 403.</summary>
    PolicyDenied,

    /// <summary>The addressed resource does not exist: 404.</summary>
    NotFound,

    /// <summary>The request conflicts with the current state (version/ETag mismatch, already exists): 409.</summary>
    Conflict,

    /// <summary>The request body is larger than the endpoint accepts: 413.</summary>
    ContentTooLarge,

    /// <summary>A dependency (chain, database, not enough key shares) is unavailable; nothing was released: 503.</summary>
    DependencyUnavailable,
}
