using Kms.Grains.Namespaces;

namespace Kms.Grains.Onboarding;

/// <summary>The stored record of one onboarding request.</summary>
[GenerateSerializer, Alias("Kms.Grains.Onboarding.OnboardingRequestState")]
public sealed class OnboardingRequestState
{
    /// <summary>The silo asking to join; empty until a request with verified evidence is recorded.</summary>
    [Id(0)]
    public string SiloName { get; set; } = string.Empty;

    /// <summary>What the evidence said when it was verified.</summary>
    [Id(1)]
    public VerifiedWorkload? Verdict { get; set; }

    /// <summary>When the request was recorded.</summary>
    [Id(2)]
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>Where the request stands.</summary>
    [Id(3)]
    public OnboardingState State { get; set; }

    /// <summary>Distinct approving admins, in order.</summary>
    [Id(4)]
    public List<OnboardingApproval> Approvals { get; set; } = [];

    /// <summary>The majority needed when the last approval was counted.</summary>
    [Id(5)]
    public int ApprovalsRequired { get; set; }

    /// <summary>The admin who rejected the request.</summary>
    [Id(6)]
    public string? RejectedBy { get; set; }

    /// <summary>The share epoch the silo joined in.</summary>
    [Id(7)]
    public long? JoinedEpoch { get; set; }

    /// <summary>Why the last reshare attempt failed.</summary>
    [Id(8)]
    public string? Reason { get; set; }

    /// <summary>When the state last changed.</summary>
    [Id(9)]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>SHA-256 of the evidence as submitted: an onchain request may carry the evidence itself.</summary>
    [Id(10)]
    public byte[]? EvidenceHash { get; set; }
}
