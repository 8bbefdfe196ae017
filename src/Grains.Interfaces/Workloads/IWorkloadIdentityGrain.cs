namespace Kms.Grains.Workloads;

/// <summary>
/// One workload identity in one namespace (key <c>"&lt;namespace&gt;/&lt;identity hex&gt;"</c>): its challenges, its live
/// instances (clone detection), its release record and its revocation.
/// </summary>
[Alias("Kms.Grains.Workloads.IWorkloadIdentityGrain")]
public interface IWorkloadIdentityGrain : IGrainWithStringKey
{
    /// <summary>Issues a single-use challenge for <paramref name="instanceId"/> (32 bytes).</summary>
    [Alias("IssueChallenge")]
    Task<IssuedChallenge> IssueChallengeAsync(byte[] instanceId, CancellationToken cancellationToken = default);

    /// <summary>Consumes the challenge and records the release; refused when the challenge is unknown, expired or
    /// used, the identity is revoked, or the instance id is live under another key (a clone; both are flagged).</summary>
    [Alias("Admit")]
    Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// tee-guardian's first phase: the challenge pending for <paramref name="instanceId"/> (returned again while it is
    /// valid) or a new one.
    /// </summary>
    /// <exception cref="KmsException">The instance was already admitted under this identity (<see cref="KmsErrorKind.Conflict"/>:
    /// a second instance presents its id) or the identity is revoked (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    [Alias("IssueEnrollmentChallenge")]
    Task<IssuedChallenge> IssueEnrollmentChallengeAsync(byte[] instanceId, CancellationToken cancellationToken = default);

    /// <summary>tee-guardian's second phase: as <see cref="AdmitAsync"/>, but a challenge this identity has not issued
    /// (or already consumed) is <see cref="KmsErrorKind.NotFound"/> (its "No pending challenge").</summary>
    [Alias("CompleteEnrollment")]
    Task CompleteEnrollmentAsync(AdmissionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Revokes the identity: nothing is released to it again.</summary>
    [Alias("Revoke")]
    Task<WorkloadIdentityStatus> RevokeAsync(string admin, CancellationToken cancellationToken = default);

    /// <summary>The identity's record.</summary>
    [Alias("GetStatus")]
    Task<WorkloadIdentityStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
