using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Workloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.V1;

/// <summary>
/// What a workload calls: read its namespace and CA, ask for a challenge, then present evidence that binds the
/// challenge, its instance id and its key to get a derived key or a certificate. Evidence is the credential; there is
/// no other authentication on these routes.
/// </summary>
internal static class WorkloadEndpoints
{
    private const int DefaultKeyLength = 32;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/namespaces/{ns}", GetNamespaceAsync).WithSummary("A namespace: its policy, key epoch and CA certificate.");
        v1.MapGet("/namespaces/{ns}/ca", GetCaAsync).WithSummary("The namespace CA certificate (PEM).");
        v1.MapGet("/namespaces/{ns}/measurements", ListMeasurementsAsync).WithSummary("The namespace's measurement registry.");
        v1.MapPost("/namespaces/{ns}/challenges", ChallengeAsync).WithSummary("A single-use challenge for an identity and instance.");
        v1.MapPost("/namespaces/{ns}/keys", ReleaseKeyAsync).WithSummary("A derived key, sealed to the key the evidence binds.");
        v1.MapPost("/namespaces/{ns}/secrets/{name}", ReleaseSecretAsync).WithSummary("A namespace secret, sealed to the key the evidence binds.");
        v1.MapPost("/namespaces/{ns}/certificates", IssueCertificateAsync).WithSummary("A certificate from the namespace CA for an attested CSR.");
        v1.MapPost("/attestation/verify", VerifyAsync).WithSummary("Verifies evidence against given report data and returns its claims (and, for a named namespace, whether it would admit them).");
    }

    private static async Task<NamespaceBody> GetNamespaceAsync(string ns, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).GetAsync(cancellationToken)).ToBody();

    private static async Task<IResult> GetCaAsync(string ns, IGrainFactory grains, CancellationToken cancellationToken) =>
        Results.Text((await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).GetAsync(cancellationToken)).CaCertificatePem, "application/x-pem-file");

    private static async Task<MeasurementBody[]> ListMeasurementsAsync(string ns, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).ListMeasurementsAsync(cancellationToken)).Select(m => m.ToBody()).ToArray();

    private static async Task<ChallengeBody> ChallengeAsync(string ns, ChallengeRequestBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string identity = V1Input.Identity(body.Identity);
        byte[] instanceId = V1Input.Hex32(body.InstanceId, "instanceId");
        IssuedChallenge challenge = await grains.GetGrain<IWorkloadIdentityGrain>(V1Input.Namespace(ns) + "/" + identity).IssueChallengeAsync(instanceId, cancellationToken);
        return new ChallengeBody(Convert.ToHexStringLower(challenge.Challenge), challenge.ExpiresAt);
    }

    private static async Task<SealedReleaseBody> ReleaseKeyAsync(string ns, KeyReleaseBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        AttestedRequest request = V1Mapping.ToRequest(ns, body.Evidence, body.Challenge, body.InstanceId);
        RecipientKey key = Recipient(body.Recipient);
        var spec = new DerivedKeySpec(V1Input.Required(body.Purpose, "purpose"), V1Input.Required(body.Name, "name"), body.Version, body.Length ?? DefaultKeyLength);
        return ToBody(await grains.GetGrain<IReleaseWorkerGrain>(0).ReleaseDerivedKeyAsync(request, key, spec, cancellationToken));
    }

    private static async Task<SealedReleaseBody> ReleaseSecretAsync(string ns, string name, SecretReleaseBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        AttestedRequest request = V1Mapping.ToRequest(ns, body.Evidence, body.Challenge, body.InstanceId);
        return ToBody(await grains.GetGrain<IReleaseWorkerGrain>(0).ReleaseSecretAsync(request, Recipient(body.Recipient), name, cancellationToken));
    }

    private static RecipientKey Recipient(RecipientBody? body)
    {
        RecipientBody recipient = V1Input.Required(body, "recipient");
        return new RecipientKey(V1Input.Required(recipient.Scheme, "recipient.scheme"), V1Input.Base64(recipient.PublicKey, "recipient.publicKey", 8192));
    }

    private static SealedReleaseBody ToBody(SealedRelease release) => new(
        release.Identity, release.KeyEpoch, release.Scheme, Convert.ToBase64String(release.Encapsulation), Convert.ToBase64String(release.Ciphertext));

    private static async Task<CertificateBody> IssueCertificateAsync(string ns, CertificateRequestBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        AttestedRequest request = V1Mapping.ToRequest(ns, body.Evidence, body.Challenge, body.InstanceId);
        IssuedCertificateRecord issued = await grains.GetGrain<IReleaseWorkerGrain>(0)
            .IssueCertificateAsync(request, V1Input.CsrDer(body.Csr), cancellationToken);
        return new CertificateBody(issued.Identity, issued.CertificatePem, issued.CaCertificatePem, issued.Serial, issued.NotAfter);
    }

    private static async Task<VerifiedEvidenceBody> VerifyAsync(VerifyRequestBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        EvidenceBody evidence = V1Input.Required(body.Evidence, "evidence");
        var submission = new EvidenceSubmission(V1Input.Required(evidence.Type, "evidence.type"), V1Input.Base64(evidence.Evidence, "evidence.evidence"));
        byte[] reportData = V1Input.HexBytes(body.ReportData, "reportData", 64);
        string? ns = body.Namespace is null ? null : V1Input.Namespace(body.Namespace);
        VerifiedWorkload verified = await grains.GetGrain<IReleaseWorkerGrain>(0).VerifyAsync(submission, reportData, cancellationToken);
        if (ns is null)
        {
            return verified.ToBody();
        }

        AuthorizationDecision decision = await grains.GetGrain<INamespaceGrain>(ns).AuthorizeAsync(verified, cancellationToken);
        return verified.ToBody() with { Admission = new AdmissionBody(ns, decision.Allowed, decision.Identity, decision.Reason) };
    }
}
