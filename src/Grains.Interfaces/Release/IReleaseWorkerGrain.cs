using Kms.Grains.Namespaces;
using Orleans.Concurrency;

namespace Kms.Grains.Release;

/// <summary>
/// The CPU-bound half of a release, on the silo that received the request (a stateless worker): verifies evidence,
/// asks the namespace for its decision and key, the identity for its challenge, then derives and seals. Many run at
/// once, so signature checks of one identity's thousands of instances never queue behind one activation.
/// </summary>
[Alias("Kms.Grains.Release.IReleaseWorkerGrain")]
public interface IReleaseWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Verifies evidence against the report data the caller expects.</summary>
    [Alias("Verify")]
    Task<VerifiedWorkload> VerifyAsync(EvidenceSubmission evidence, byte[] expectedReportData, CancellationToken cancellationToken = default);

    /// <summary>Releases a derived key sealed to <paramref name="recipient"/>.</summary>
    [Alias("ReleaseDerivedKey")]
    Task<SealedRelease> ReleaseDerivedKeyAsync(AttestedRequest request, RecipientKey recipient, DerivedKeySpec key, CancellationToken cancellationToken = default);

    /// <summary>Releases the namespace secret <paramref name="name"/> sealed to <paramref name="recipient"/>.</summary>
    [Alias("ReleaseSecret")]
    Task<SealedRelease> ReleaseSecretAsync(AttestedRequest request, RecipientKey recipient, string name, CancellationToken cancellationToken = default);

    /// <summary>Issues a certificate for the CSR (DER) whose public key the evidence binds.</summary>
    [Alias("IssueCertificate")]
    Task<IssuedCertificateRecord> IssueCertificateAsync(AttestedRequest request, byte[] certificateRequest, CancellationToken cancellationToken = default);
}
