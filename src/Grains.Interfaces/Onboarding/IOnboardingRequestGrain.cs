using Orleans.Concurrency;

namespace Kms.Grains.Onboarding;

/// <summary>
/// One silo's request to join the committee of root-key holders (key: the request hash, 64 lowercase hex). The silo
/// submits attestation evidence that binds the request; a majority of the registered admins approve; then the
/// committee is reshared to include the silo (same root key, new epoch, old shares wiped).
/// </summary>
[Alias("Kms.Grains.Onboarding.IOnboardingRequestGrain")]
public interface IOnboardingRequestGrain : IGrainWithStringKey
{
    /// <summary>Verifies the evidence on this silo and records the request; a repeated submission of the recorded
    /// request answers with its status.</summary>
    /// <exception cref="KmsException">The request does not hash to this grain's key or is malformed (400), the evidence
    /// does not verify (401), the silo already holds a share (409), the cluster is not initialized (503).</exception>
    [Alias("Submit")]
    Task<OnboardingStatus> SubmitAsync(OnboardingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Counts <paramref name="admin"/>'s approval (once per admin); the approval that reaches a majority of the
    /// registered admins reshares the committee to include the silo. Approving a failed request retries the reshare.</summary>
    /// <exception cref="KmsException">No such request (404), not a registered admin (403), rejected or expired (409).</exception>
    [Alias("Approve")]
    Task<OnboardingStatus> ApproveAsync(string admin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts the KMS governance contract's approval: its onboarding record <paramref name="onchainRequestHash"/> (put
    /// there by an operator with <c>requestOnboard</c>) names this request, and the contract allows the joining silo's
    /// identity for that operator. Approved, the committee is reshared to include the silo, as after an admin majority.
    /// </summary>
    /// <exception cref="KmsException">No such request (404), not approved onchain (403), rejected or expired (409), the
    /// chain or the contract unavailable (503).</exception>
    [Alias("ApproveOnchain")]
    Task<OnboardingStatus> ApproveOnchainAsync(byte[] onchainRequestHash, CancellationToken cancellationToken = default);

    /// <summary>Rejects the request: one registered admin's rejection ends it.</summary>
    /// <exception cref="KmsException">No such request (404), not a registered admin (403), already joined (409).</exception>
    [Alias("Reject")]
    Task<OnboardingStatus> RejectAsync(string admin, CancellationToken cancellationToken = default);

    /// <summary>The request's status; answers while an approval is resharing.</summary>
    /// <exception cref="KmsException">No such request (404).</exception>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<OnboardingStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
