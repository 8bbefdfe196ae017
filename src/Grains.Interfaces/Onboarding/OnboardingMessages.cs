using Kms.Grains.Namespaces;
using Kms.Grains.Release;

namespace Kms.Grains.Onboarding;

/// <summary>Where an onboarding request stands.</summary>
public enum OnboardingState
{
    /// <summary>The evidence verified; waiting for a majority of the registered admins to approve.</summary>
    Pending = 0,

    /// <summary>Approved: the committee is being reshared to include the silo.</summary>
    Resharing = 1,

    /// <summary>The silo holds a share of the epoch named in the status.</summary>
    Joined = 2,

    /// <summary>An admin rejected the request; it cannot be approved any more.</summary>
    Rejected = 3,

    /// <summary>Approved, but the reshare did not happen (the reason says why); an admin's next approval retries it.</summary>
    Failed = 4,

    /// <summary>Not approved within the onboarding request lifetime; the silo submits a new request.</summary>
    Expired = 5,
}

/// <summary>A silo's request to join the committee of root-key holders.</summary>
/// <param name="SiloName">The silo's name in the Orleans membership (1–63 printable ASCII characters, no '/').</param>
/// <param name="Nonce">32 bytes the silo chose; with the name it makes the request hash (Kms.Crypto.Release.OnboardingBinding).</param>
/// <param name="Evidence">Attestation evidence of the silo whose report data is the request hash followed by 32 zero bytes.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Onboarding.OnboardingRequest")]
public sealed record OnboardingRequest(
    [property: Id(0)] string SiloName,
    [property: Id(1)] byte[] Nonce,
    [property: Id(2)] EvidenceSubmission Evidence);

/// <summary>An admin's approval.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Onboarding.OnboardingApproval")]
public sealed record OnboardingApproval([property: Id(0)] string Admin, [property: Id(1)] DateTimeOffset At);

/// <summary>An onboarding request as anyone may read it.</summary>
/// <param name="RequestHash">The request hash (64 lowercase hex), the grain's key.</param>
/// <param name="Verdict">What the silo's evidence says (TEE, measurements and their identity, TCB status, debug).</param>
/// <param name="Approvals">Distinct admins who approved, in order.</param>
/// <param name="ApprovalsRequired">A majority of the admins registered when the last approval was counted.</param>
/// <param name="RejectedBy">The admin who rejected the request.</param>
/// <param name="JoinedEpoch">The share epoch the silo joined in.</param>
/// <param name="Reason">Why the last reshare attempt failed.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Onboarding.OnboardingStatus")]
public sealed record OnboardingStatus(
    [property: Id(0)] string RequestHash,
    [property: Id(1)] string SiloName,
    [property: Id(2)] OnboardingState State,
    [property: Id(3)] VerifiedWorkload Verdict,
    [property: Id(4)] DateTimeOffset SubmittedAt,
    [property: Id(5)] IReadOnlyList<OnboardingApproval> Approvals,
    [property: Id(6)] int ApprovalsRequired,
    [property: Id(7)] string? RejectedBy,
    [property: Id(8)] long? JoinedEpoch,
    [property: Id(9)] string? Reason,
    [property: Id(10)] DateTimeOffset UpdatedAt);
