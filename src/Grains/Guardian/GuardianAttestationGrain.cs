using System.Security.Cryptography;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Workloads;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Kms.Grains.Guardian;

/// <summary>
/// Implements <see cref="IGuardianAttestationGrain"/> on the silo that received the request. Each phase verifies the
/// evidence against the report data it must carry (by the local release worker's verifiers), asks the namespace
/// whether it admits the measurement (registry, policy, revocations), then lets the workload identity issue or consume
/// the challenge (clone and conflict detection live there). A CSR sent with <c>verify</c> must be bound by the
/// evidence: report data SHA-256(challenge ‖ SHA-256(SubjectPublicKeyInfo)) ‖ instance id.
/// </summary>
[StatelessWorker]
internal sealed partial class GuardianAttestationGrain(ILogger<GuardianAttestationGrain> logger) : Grain, IGuardianAttestationGrain
{
    private static readonly byte[] s_noKeyHash = SHA256.HashData("tee-guardian enrollment without a certificate key"u8);

    public async Task<GuardianChallenge> RegisterAsync(string @namespace, byte[] evidence, CancellationToken cancellationToken)
    {
        RequireNamespace(@namespace);
        DecodedGuardianEvidence decoded = GuardianEvidenceDecoder.Decode(evidence);
        if (decoded.IdentityInReportData && !decoded.InstanceId.AsSpan().ContainsAnyExcept((byte)0))
        {
            throw new KmsException(KmsErrorKind.Conflict, "Identity required: REPORTDATA[32..64] must carry the instance id (32 random bytes chosen at boot).");
        }

        VerifiedWorkload workload = await VerifyAsync(decoded.Submission, decoded.RegistrationReportData(), cancellationToken);
        string identity = await AdmitAsync(@namespace, workload, cancellationToken);
        IssuedChallenge challenge = await Identity(@namespace, identity).IssueEnrollmentChallengeAsync(decoded.InstanceId, cancellationToken);
        return new GuardianChallenge(challenge.Challenge, challenge.ExpiresAt);
    }

    public async Task<GuardianVerification> VerifyAsync(string @namespace, GuardianVerifyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireNamespace(@namespace);
        DecodedGuardianEvidence decoded = GuardianEvidenceDecoder.Decode(request.Evidence);
        byte[] challenge;
        byte[] binding;
        byte[] keyHash = s_noKeyHash;
        if (request.CertificateRequest is { } csr)
        {
            if (request.Challenge is not { Length: 32 })
            {
                throw new KmsException(KmsErrorKind.MalformedInput, "A verify request with a csr names its challenge (64 hex characters).");
            }

            challenge = request.Challenge;
            keyHash = SHA256.HashData(NamespaceCa.ParseRequest(csr).SubjectPublicKeyInfo.Span);
            binding = SHA256.HashData([.. challenge, .. keyHash]);
        }
        else
        {
            // The challenge is whatever the evidence claims; verification below proves the claim.
            challenge = decoded.ReportData[..32];
            binding = challenge;
        }

        VerifiedWorkload workload = await VerifyAsync(decoded.Submission, decoded.VerificationReportData(binding), cancellationToken);
        string identity = await AdmitAsync(@namespace, workload, cancellationToken);
        await Identity(@namespace, identity).CompleteEnrollmentAsync(
            new AdmissionRequest(challenge, decoded.InstanceId, keyHash, "guardian-verify", request.CertificateRequest is null ? "verified" : "verified+certificate"),
            cancellationToken);
        LogVerified(logger, @namespace, identity, Convert.ToHexStringLower(decoded.InstanceId));
        if (request.CertificateRequest is null)
        {
            return new GuardianVerification(identity, workload.TcbStatus, null, null);
        }

        IssuedCertificateRecord issued = await GrainFactory.GetGrain<INamespaceGrain>(@namespace)
            .IssueCertificateAsync(workload, request.CertificateRequest, cancellationToken);
        return new GuardianVerification(identity, workload.TcbStatus, issued.CertificatePem, issued.CaCertificatePem);
    }

    private Task<VerifiedWorkload> VerifyAsync(EvidenceSubmission evidence, byte[] reportData, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IReleaseWorkerGrain>(0).VerifyAsync(evidence, reportData, cancellationToken);

    private async Task<string> AdmitAsync(string @namespace, VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        AuthorizationDecision decision = await GrainFactory.GetGrain<INamespaceGrain>(@namespace).AuthorizeAsync(workload, cancellationToken);
        if (!decision.Allowed)
        {
            LogRefused(logger, @namespace, decision.Reason);
            throw new KmsException(KmsErrorKind.PolicyDenied, decision.Reason);
        }

        return decision.Identity;
    }

    private IWorkloadIdentityGrain Identity(string @namespace, string identity) =>
        GrainFactory.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(@namespace, identity));


    private static void RequireNamespace(string @namespace)
    {
        if (!NamespaceNames.IsValidNamespace(@namespace))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A namespace is 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit.");
        }
    }

    [LoggerMessage(EventId = 4210, Level = LogLevel.Information, Message = "tee-guardian namespace {Namespace}: instance {InstanceId} of {Identity} verified.")]
    private static partial void LogVerified(ILogger logger, string @namespace, string identity, string instanceId);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "tee-guardian namespace {Namespace}: attestation refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string @namespace, string reason);
}
