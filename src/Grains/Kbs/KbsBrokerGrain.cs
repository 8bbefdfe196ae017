using System.Security.Cryptography;
using System.Text.Json;
using Kms.Crypto.Rsa;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Kms.Grains.Kbs;

/// <summary>
/// Implements <see cref="IKbsBrokerGrain"/> on the silo that received the request. An attestation is checked in this
/// order: the TEE key's shape, the session's one challenge (taken, so it cannot be tried twice), the evidence against
/// the report data that binds nonce and key (by the local release worker's verifiers), the workload namespace's
/// decision. A release asks the namespace again (a revocation since the attestation is in force), then seals.
/// </summary>
[StatelessWorker]
internal sealed partial class KbsBrokerGrain(
    EvidenceVerifierSet verifiers,
    IOptions<KmsGrainOptions> options,
    ILogger<KbsBrokerGrain> logger) : Grain, IKbsBrokerGrain
{
    private const int MaxExtraParamsLength = 64 * 1024;

    private KbsOptions Options => options.Value.Kbs;

    public async Task<KbsChallenge> AuthAsync(KbsAuthRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Version is not { Length: > 0 and <= 64 })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "version is 1 to 64 characters.");
        }

        string evidenceType = request.Tee switch
        {
            "snp" => "sev-snp",
            "tdx" => "tdx-dcap",
            "dev" => "dev",
            _ => throw new KmsException(KmsErrorKind.MalformedInput, "Unsupported TEE"),
        };
        _ = verifiers.Get(evidenceType); // refused here, before a session exists, when this silo cannot verify it
        string workloadId = WorkloadIdOf(request.ExtraParams);
        try
        {
            await GrainFactory.GetGrain<INamespaceGrain>(KbsNames.Namespace(workloadId)).GetAsync(cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.NotFound)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"No TEE config found: workload '{workloadId}' is not registered.");
        }

        string sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        DateTimeOffset expiresAt = await GrainFactory.GetGrain<IKbsSessionGrain>(sessionId)
            .StartAsync(new KbsSessionStart(request.Tee, workloadId), cancellationToken);
        return new KbsChallenge(sessionId, expiresAt);
    }

    public async Task AttestAsync(string sessionId, KbsAttestation attestation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        IKbsSessionGrain session = Session(sessionId);
        KbsTeeKey key = KbsTeeKey.Parse(attestation.TeePubKey, sessionId, Options.RsaPkcs1V15Compatibility);
        KbsSessionStart start = await session.TakeChallengeAsync(cancellationToken);
        EvidenceSubmission evidence = KbsEvidenceDecoder.Decode(start.Tee, attestation.TeeEvidence);
        VerifiedWorkload workload = await GrainFactory.GetGrain<IReleaseWorkerGrain>(0).VerifyAsync(evidence, key.ReportData, cancellationToken);
        AuthorizationDecision decision = await GrainFactory.GetGrain<INamespaceGrain>(KbsNames.Namespace(start.WorkloadId))
            .AuthorizeAsync(workload, cancellationToken);
        if (!decision.Allowed)
        {
            LogRefused(logger, start.WorkloadId, decision.Reason);
            throw new KmsException(KmsErrorKind.PolicyDenied, decision.Reason);
        }

        await session.AuthorizeAsync(new KbsAuthorization(start.WorkloadId, key.Scheme, key.PublicKey, workload), cancellationToken);
        LogAttested(logger, start.WorkloadId, decision.Identity, key.Scheme);
    }

    public async Task<KbsSealedSecret> ReleaseKeyAsync(string sessionId, string keyId, CancellationToken cancellationToken)
    {
        if (!KbsNames.IsValidWorkloadId(keyId))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A key id is a workload_id.");
        }

        KbsAuthorization authorization = await Session(sessionId).TakeReleaseAsync(keyId, cancellationToken);
        string ns = KbsNames.Namespace(authorization.WorkloadId);
        ReleaseGrant grant = await GrainFactory.GetGrain<INamespaceGrain>(ns).GrantReleaseAsync(authorization.Workload, cancellationToken);
        CryptographicOperations.ZeroMemory(grant.NamespaceKey); // a secret release needs the decision, not the key
        if (grant.RequirePostQuantum && authorization.Scheme != KbsTeeKey.XWingScheme)
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, $"The namespace releases only to post-quantum recipients ({KbsTeeKey.XWingScheme}); {authorization.Scheme} is classical.");
        }

        SecretValue secret = await GrainFactory.GetGrain<INamespaceSecretGrain>(ns + "/" + KbsNames.SecretName).ReadAsync(cancellationToken);
        try
        {
            KbsSealedSecret sealedSecret = Seal(authorization, secret.Value);
            LogReleased(logger, authorization.WorkloadId, secret.Version, authorization.Scheme);
            return sealedSecret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret.Value);
        }
    }

    private KbsSealedSecret Seal(KbsAuthorization authorization, byte[] secret)
    {
        if (authorization.Scheme == KbsTeeKey.RsaPkcs1Scheme)
        {
            RsaRecipientKey key = RsaKey(authorization.PublicKey);
            RequireFits(key, RsaSecretPadding.Pkcs1V15, secret);
            byte[] ciphertext = RsaSecretEncryption.Encrypt(
                key, secret, RsaSecretPadding.Pkcs1V15, new RsaSecretEncryptionOptions { AllowInsecurePkcs1V15 = Options.RsaPkcs1V15Compatibility });
            return new KbsSealedSecret(authorization.Scheme, [], ciphertext);
        }

        if (authorization.Scheme == KbsTeeKey.RsaOaepScheme)
        {
            RequireFits(RsaKey(authorization.PublicKey), RsaSecretPadding.OaepSha256, secret);
        }

        (byte[] encapsulation, byte[] sealedBytes) = ReleaseSealer.Seal(new RecipientKey(authorization.Scheme, authorization.PublicKey), secret);
        return new KbsSealedSecret(authorization.Scheme, encapsulation, sealedBytes);
    }

    private static void RequireFits(RsaRecipientKey key, RsaSecretPadding padding, byte[] secret)
    {
        int max = RsaSecretEncryption.MaxPlaintextLength(key, padding);
        if (secret.Length > max)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The workload secret does not fit one block of this RSA key ({max} bytes at most); use a larger key or hpke-xwing.");
        }
    }

    private static RsaRecipientKey RsaKey(byte[] subjectPublicKeyInfo)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        RSAParameters parameters = rsa.ExportParameters(false);
        return RsaRecipientKey.FromParameters(parameters.Modulus, parameters.Exponent);
    }

    private IKbsSessionGrain Session(string sessionId) =>
        KbsNames.IsValidSessionId(sessionId)
            ? GrainFactory.GetGrain<IKbsSessionGrain>(sessionId)
            : throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid cookie: a session id is 32 lowercase hex characters.");

    /// <summary>The <c>workload_id</c> of <c>extra-params</c> (JSON text of kbs-types <c>SnpRequest</c>).</summary>
    internal static string WorkloadIdOf(string? extraParams)
    {
        if (extraParams is not { Length: > 0 and <= MaxExtraParamsLength })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "extra-params is JSON text naming the workload: {\"workload_id\":\"…\"}.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(extraParams, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("workload_id", out JsonElement id)
                && id.ValueKind == JsonValueKind.String
                && KbsNames.IsValidWorkloadId(id.GetString()))
            {
                return id.GetString()!;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Answered below, like any other malformed extra-params (InvalidOperationException: a string that is not
            // valid Unicode text).
        }

        throw new KmsException(KmsErrorKind.MalformedInput, "extra-params is JSON text naming the workload: {\"workload_id\":\"…\"}.");
    }

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "KBS workload {WorkloadId} attested as {Identity}; the secret will be sealed with {Scheme}.")]
    private static partial void LogAttested(ILogger logger, string workloadId, string identity, string scheme);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "KBS workload {WorkloadId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string workloadId, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "KBS workload {WorkloadId}: secret version {Version} released sealed with {Scheme}.")]
    private static partial void LogReleased(ILogger logger, string workloadId, int version, string scheme);
}
