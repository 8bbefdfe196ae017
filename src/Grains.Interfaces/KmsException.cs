namespace Kms.Grains;

/// <summary>Why a KMS grain refused a request; the HTTP front end maps each kind to one status code.</summary>
public enum KmsErrorKind
{
    /// <summary>The request is malformed (400).</summary>
    MalformedInput = 0,

    /// <summary>The caller is not who it claims or its evidence does not verify (401).</summary>
    Unauthenticated = 1,

    /// <summary>Policy says no: unknown or revoked measurement, refused TCB, clone (403).</summary>
    PolicyDenied = 2,

    /// <summary>The namespace, identity or request does not exist (404).</summary>
    NotFound = 3,

    /// <summary>The request conflicts with the current state: already initialised, already exists (409).</summary>
    Conflict = 4,

    /// <summary>A dependency is down: fewer than t key shares, storage, governance (503). Nothing was released.</summary>
    Unavailable = 5,
}

/// <summary>
/// A refusal from a KMS grain. The message is safe to show to the caller: it names what is wrong and never carries
/// key material.
/// </summary>
[GenerateSerializer, Alias("Kms.Grains.KmsException")]
public sealed class KmsException : Exception
{
    /// <summary>Creates a refusal.</summary>
    public KmsException(KmsErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates a refusal caused by <paramref name="inner"/> (kept for logs; its message is not shown).</summary>
    public KmsException(KmsErrorKind kind, string message, Exception? inner)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Why the request was refused.</summary>
    [Id(0)]
    public KmsErrorKind Kind { get; }
}
