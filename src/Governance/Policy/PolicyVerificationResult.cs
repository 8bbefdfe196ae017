namespace Kms.Governance.Policy;

/// <summary>Why a signed policy was not accepted.</summary>
public enum PolicyRejectionReason
{
    /// <summary>The envelope or body does not follow the schema (or is not I-JSON).</summary>
    Malformed,

    /// <summary>The body names another namespace than the one being updated.</summary>
    NamespaceMismatch,

    /// <summary>No signature by a configured signer matches the body: the body was altered after signing (or all are forged).</summary>
    TamperedBody,

    /// <summary>A configured signer's signature does not verify (while another configured signer's does).</summary>
    BadSignature,

    /// <summary>Fewer distinct configured signers than the threshold signed validly.</summary>
    BelowThreshold,

    /// <summary>The serial is not greater than the current policy's serial (replay or rollback).</summary>
    SerialNotIncreasing,
}

/// <summary>What is wrong with one signature entry (reported whether or not the document is accepted).</summary>
public enum PolicySignatureIssueKind
{
    /// <summary>The signer is not configured; its signature is ignored.</summary>
    UnknownSigner,

    /// <summary>The signer already signed earlier in the list; it counts once.</summary>
    DuplicateSigner,

    /// <summary>The signature does not verify for the claimed configured signer.</summary>
    BadSignature,
}

/// <summary>One signature problem.</summary>
/// <param name="Index">Position in the envelope's <c>signatures</c> array.</param>
/// <param name="Signer">The claimed signer (<c>scheme:id</c>).</param>
/// <param name="Kind">What is wrong.</param>
public sealed record PolicySignatureIssue(int Index, string Signer, PolicySignatureIssueKind Kind);

/// <summary>The outcome of verifying a signed policy.</summary>
public sealed record PolicyVerificationResult
{
    /// <summary>Whether the policy is accepted.</summary>
    public required bool IsAccepted { get; init; }

    /// <summary>Why not, when <see cref="IsAccepted"/> is false.</summary>
    public PolicyRejectionReason? Reason { get; init; }

    /// <summary>A human-readable explanation (no key material).</summary>
    public required string Message { get; init; }

    /// <summary>The accepted policy; <see langword="null"/> whenever the document is rejected.</summary>
    public NamespacePolicy? Policy { get; init; }

    /// <summary>The canonical body bytes the signatures cover (set when the envelope parsed).</summary>
    public byte[]? CanonicalBody { get; init; }

    /// <summary>The distinct configured signers with a valid signature.</summary>
    public IReadOnlyList<PolicySigner> ValidSigners { get; init; } = [];

    /// <summary>The configured threshold.</summary>
    public int Threshold { get; init; }

    /// <summary>Unknown, duplicate and bad signatures found.</summary>
    public IReadOnlyList<PolicySignatureIssue> Issues { get; init; } = [];
}

/// <summary>A signed policy was rejected; <see cref="Result"/> says why.</summary>
public sealed class PolicyRejectedException : Exception
{
    /// <summary>Creates the exception from a rejected result.</summary>
    public PolicyRejectedException(PolicyVerificationResult result)
        : base((result ?? throw new ArgumentNullException(nameof(result))).Message)
    {
        Result = result;
    }

    /// <summary>The verification outcome.</summary>
    public PolicyVerificationResult Result { get; }

    /// <summary>The rejection reason.</summary>
    public PolicyRejectionReason Reason => Result.Reason ?? PolicyRejectionReason.Malformed;
}
