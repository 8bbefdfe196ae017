namespace Kms.Api.V1;

/// <summary><c>POST /v1/onboarding</c>: a silo asks to join the committee.</summary>
/// <param name="Silo">The silo's name in the cluster membership.</param>
/// <param name="Nonce">32 bytes the silo chose (64 hex characters).</param>
/// <param name="Evidence">The silo's evidence; its report data is the request hash followed by 32 zero bytes.</param>
public sealed record OnboardingSubmitBody(string Silo, string Nonce, EvidenceBody Evidence);

/// <summary><c>POST /v1/onboarding/{hash}/approve-onchain</c>: the KMS governance contract's record approves the request.</summary>
/// <param name="OnchainRequest">The hash under which <c>requestOnboard</c> stored the record in the KMS contract (0x + 64 hex, as
/// <c>HashOnboardRequest</c> returns it).</param>
public sealed record OnchainApprovalBody(string OnchainRequest);

/// <summary>An approval of an onboarding request: an admin, or <c>onchain:0x…</c> (the operator of the KMS contract's record).</summary>
public sealed record OnboardingApprovalBody(string Admin, DateTimeOffset At);

/// <summary>An onboarding request.</summary>
/// <param name="RequestHash">SHA-256("Orleans.Kms onboarding v1" ‖ 0 ‖ silo ‖ 0 ‖ nonce), lowercase hex.</param>
/// <param name="State">pending, resharing, joined, rejected, failed or expired.</param>
/// <param name="Evidence">What the silo's evidence says.</param>
/// <param name="Reason">Why the last reshare attempt failed (state failed).</param>
public sealed record OnboardingStatusBody(
    string RequestHash, string Silo, string State, VerifiedEvidenceBody Evidence, DateTimeOffset SubmittedAt, OnboardingApprovalBody[] Approvals,
    int ApprovalsRequired, string? RejectedBy, long? JoinedEpoch, string? Reason, DateTimeOffset UpdatedAt);
