using System.Security.Cryptography;
using Kms.Attestation;
using Kms.Crypto.Certificates;
using Kms.Crypto.KeyTree;
using Kms.Crypto.Release;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Secrets;
using Kms.Grains.Workloads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Kms.Grains.Release;

/// <summary>
/// Implements <see cref="IReleaseWorkerGrain"/> on the silo that received the request. Order of a release: check the
/// request's shape, verify the evidence against the report data the request implies, let the namespace decide and
/// hand over its key (or its CA's), let the identity consume its challenge and record the release, then derive and seal
/// (or sign: certificates are signed here, so one namespace's signatures run in parallel on every core).
/// Nothing is returned unless every step passed; the namespace key is wiped when the call ends.
/// </summary>
[StatelessWorker]
internal sealed partial class ReleaseWorkerGrain(
    EvidenceVerifierSet verifiers,
    IOptions<KmsGrainOptions> options,
    TimeProvider time,
    ILogger<ReleaseWorkerGrain> logger) : Grain, IReleaseWorkerGrain
{
    private const int MaxEvidenceSize = 256 * 1024;
    private readonly NamespaceCaCache _authorities = new();

    public async Task<VerifiedWorkload> VerifyAsync(EvidenceSubmission evidence, byte[] expectedReportData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.Evidence is not { Length: > 0 and <= MaxEvidenceSize })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Evidence is 1 to {MaxEvidenceSize} bytes.");
        }

        if (expectedReportData is not { Length: > 0 and <= 64 })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The expected report data is 1 to 64 bytes.");
        }

        IEvidenceVerifier verifier = verifiers.Get(evidence.EvidenceType);
        try
        {
            VerifiedEvidence verified = await verifier.VerifyAsync(evidence.Evidence, expectedReportData, cancellationToken);
            return VerifiedWorkloads.From(verifier.EvidenceType, verified);
        }
        catch (AttestationException exception)
        {
            LogEvidenceRefused(logger, evidence.EvidenceType, exception.Kind.ToString(), exception.Message);
            throw new KmsException(KmsErrorKind.Unauthenticated, $"The {evidence.EvidenceType} evidence does not verify: {exception.Message}");
        }
    }

    public async Task<SealedRelease> ReleaseDerivedKeyAsync(AttestedRequest request, RecipientKey recipient, DerivedKeySpec key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ReleaseSealer.Validate(recipient);
        DerivedKeyLabel label = Label(request, key);
        VerifiedWorkload workload = await VerifyRequestAsync(request, recipient.Scheme, recipient.PublicKey, cancellationToken);

        ReleaseGrant grant = await GrainFactory.GetGrain<INamespaceGrain>(request.Namespace).GrantReleaseAsync(workload, cancellationToken);
        try
        {
            ReleaseSealer.RequireAllowed(recipient, grant.RequirePostQuantum);
            string detail = $"{key.Purpose}/{key.Name}/v{key.Version}@{grant.KeyEpoch}";
            await AdmitAsync(request, grant.Identity, recipient.PublicKey, "derived-key", detail, cancellationToken);
            byte[] derived = KeyTreeDerivation.DeriveKey(grant.NamespaceKey, label with { Identity = grant.Identity }, key.Length);
            try
            {
                (byte[] encapsulation, byte[] ciphertext) = ReleaseSealer.Seal(recipient, derived);
                return new SealedRelease(grant.Identity, grant.KeyEpoch, recipient.Scheme, encapsulation, ciphertext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(derived);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(grant.NamespaceKey);
        }
    }

    public async Task<SealedRelease> ReleaseSecretAsync(AttestedRequest request, RecipientKey recipient, string name, CancellationToken cancellationToken)
    {
        ReleaseSealer.Validate(recipient);
        INamespaceSecretGrain secret = GrainFactory.GetGrain<INamespaceSecretGrain>(SecretKey.Create(request?.Namespace ?? string.Empty, name));
        VerifiedWorkload workload = await VerifyRequestAsync(request!, recipient.Scheme, recipient.PublicKey, cancellationToken);

        // The grant carries the namespace key, which a secret does not need: it is wiped at once. Asking for it keeps
        // one admission path (policy, revocation, share quorum) for every kind of release.
        ReleaseGrant grant = await GrainFactory.GetGrain<INamespaceGrain>(request!.Namespace).GrantReleaseAsync(workload, cancellationToken);
        CryptographicOperations.ZeroMemory(grant.NamespaceKey);
        ReleaseSealer.RequireAllowed(recipient, grant.RequirePostQuantum);
        SecretValue value = await secret.ReadAsync(cancellationToken);
        try
        {
            await AdmitAsync(request, grant.Identity, recipient.PublicKey, "secret", $"{name}@v{value.Version}", cancellationToken);
            (byte[] encapsulation, byte[] ciphertext) = ReleaseSealer.Seal(recipient, value.Value);
            return new SealedRelease(grant.Identity, value.Version, recipient.Scheme, encapsulation, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value.Value);
        }
    }

    public async Task<IssuedCertificateRecord> IssueCertificateAsync(AttestedRequest request, byte[] certificateRequest, CancellationToken cancellationToken)
    {
        ParsedCertificateRequest csr = NamespaceCa.ParseRequest(certificateRequest);
        byte[] publicKey = csr.SubjectPublicKeyInfo.ToArray();
        VerifiedWorkload workload = await VerifyRequestAsync(request, "csr", publicKey, cancellationToken);
        CertificateGrant grant = await GrainFactory.GetGrain<INamespaceGrain>(request.Namespace).GrantCertificateAsync(workload, cancellationToken);
        IssuedCertificateRecord issued = NamespaceCa.Issue(_authorities.Get(request.Namespace, grant), csr, grant.Identity, options.Value, time.GetUtcNow());

        // Recorded (and the challenge consumed) before the certificate is returned; one refused here is never seen.
        await AdmitAsync(request, issued.Identity, publicKey, "certificate", issued.Serial, cancellationToken);
        LogCertificateIssued(logger, request.Namespace, issued.Identity, issued.Serial);
        return issued;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _authorities.Dispose();
        return Task.CompletedTask;
    }

    private async Task<VerifiedWorkload> VerifyRequestAsync(AttestedRequest request, string scheme, byte[] publicKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!NamespaceNames.IsValidNamespace(request.Namespace))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The namespace id is malformed.");
        }

        byte[] reportData;
        try
        {
            reportData = ReleaseBinding.ReportData(request.Challenge, request.InstanceId, scheme, publicKey);
        }
        catch (ArgumentException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, exception.Message);
        }

        return await VerifyAsync(request.Evidence, reportData, cancellationToken);
    }

    private Task AdmitAsync(AttestedRequest request, string identity, byte[] publicKey, string kind, string detail, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(request.Namespace, identity))
            .AdmitAsync(new AdmissionRequest(request.Challenge, request.InstanceId, SHA256.HashData(publicKey), kind, detail), cancellationToken);

    private static DerivedKeyLabel Label(AttestedRequest request, DerivedKeySpec key)
    {
        if (key.Length is < 16 or > 64)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A derived key is 16 to 64 bytes long.");
        }

        if (!KmsNames.IsValidName(key.Purpose) || !KmsNames.IsValidName(key.Name))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A key purpose and name are 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.");
        }

        return new DerivedKeyLabel(key.Purpose, request.Namespace, string.Empty, key.Name, key.Version);
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Refused {EvidenceType} evidence ({Kind}): {Reason}")]
    private static partial void LogEvidenceRefused(ILogger logger, string evidenceType, string kind, string reason);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Namespace {Namespace}: certificate {Serial} issued to {Identity}.")]
    private static partial void LogCertificateIssued(ILogger logger, string @namespace, string identity, string serial);
}
