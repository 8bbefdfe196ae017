using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Providers;
using Kms.Crypto.Release;
using Microsoft.Extensions.Logging;

namespace Kms.Client.Workloads;

/// <summary>
/// A TEE workload's client of the native <c>/v1</c> API (docs/client.md): asks a silo for a challenge, has its
/// <see cref="IEvidenceProvider"/> make evidence whose report data binds the challenge, the instance id and the key
/// that receives the answer (<see cref="ReleaseBinding"/>), and opens the sealed release. An exchange that meets an
/// unavailable silo is started again, with a new challenge, on the next one.
/// </summary>
public sealed class KmsWorkloadClient : IDisposable
{
    private readonly KmsApiTransport _transport;
    private readonly IEvidenceProvider _evidence;
    private readonly RecipientKeyPair _recipient;
    private readonly byte[] _instanceId;
    private readonly string _namespace;
    private readonly string _namespaceId;
    private readonly SemaphoreSlim _identityLock = new(1, 1);
    private string? _identity;

    /// <summary>Creates a client; it generates its recipient key now and keeps it (and the instance id) for its life.</summary>
    /// <param name="http">The HTTP client (absolute URIs are used; its own timeout should exceed the request timeout).</param>
    /// <param name="evidence">The evidence of the TEE this process runs in.</param>
    /// <param name="options">Silos, namespace and retry settings; validated here.</param>
    /// <param name="logger">Receives one warning per silo that could not serve a request.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public KmsWorkloadClient(HttpClient http, IEvidenceProvider evidence, KmsWorkloadClientOptions options, ILogger<KmsWorkloadClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _transport = new KmsApiTransport(http, options, logger);
        _evidence = evidence;
        _namespaceId = options.Namespace;
        _namespace = Uri.EscapeDataString(options.Namespace);
        _instanceId = options.InstanceId?.ToArray() ?? RandomNumberGenerator.GetBytes(ReleaseBinding.NonceSize);
        _identity = options.Identity;
        _recipient = RecipientKeyPair.Generate(options.RecipientScheme);
    }

    /// <summary>This instance's id (lowercase hex).</summary>
    public string InstanceId => Convert.ToHexStringLower(_instanceId);

    /// <summary>The scheme releases are sealed to.</summary>
    public string RecipientScheme => _recipient.Scheme;

    /// <summary>The workload's identity in its namespace: configured, or learned once from the KMS (which verifies a
    /// sample of this TEE's evidence and asks the namespace, so the namespace must exist).</summary>
    public async Task<string> GetIdentityAsync(CancellationToken cancellationToken = default)
    {
        if (_identity is string known)
        {
            return known;
        }

        await _identityLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_identity is null)
            {
                // The namespace's answer names the identity it knows the workload by: the measurement identity for a
                // registry or policy-document namespace, the contract identity for an onchain one.
                VerifiedEvidenceBody verified = await VerifyAsync(_namespaceId, cancellationToken).ConfigureAwait(false);
                _identity = (verified.Admission?.Identity ?? verified.Identity) is { Length: 64 } identity && identity.All(char.IsAsciiHexDigitLower)
                    ? identity
                    : throw new InvalidDataException("The KMS verified the evidence but returned no well-formed identity.");
            }

            return _identity;
        }
        finally
        {
            _identityLock.Release();
        }
    }

    /// <summary>
    /// Has the KMS verify a sample of this TEE's evidence (over random report data) and, with a namespace, say whether
    /// it would admit the workload (a dry run: nothing is released).
    /// </summary>
    public Task<VerifiedEvidenceBody> VerifyAsync(string? @namespace, CancellationToken cancellationToken = default)
    {
        byte[] reportData = RandomNumberGenerator.GetBytes(ReleaseBinding.ReportDataSize);
        return _transport.RunAsync("verify evidence", async (silo, ct) =>
        {
            EvidenceBody evidence = await EvidenceAsync(reportData, ct).ConfigureAwait(false);
            return await _transport.SendJsonAsync<VerifiedEvidenceBody>(
                silo, HttpMethod.Post, "v1/attestation/verify", new VerifyRequestBody(evidence, Convert.ToHexStringLower(reportData), @namespace), ct)
                .ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>A key derived for this workload: HKDF(namespace key, purpose ‖ identity ‖ name ‖ version).</summary>
    /// <param name="purpose">1–64 of <c>[A-Za-z0-9._-]</c>, e.g. "storage".</param>
    /// <param name="name">1–64 of <c>[A-Za-z0-9._-]</c>, e.g. "disk".</param>
    /// <param name="version">The key's version (a new version is a new key).</param>
    /// <param name="length">16 to 64 bytes; the KMS's default (32) when null.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    public Task<ReleasedSecret> DeriveKeyAsync(string purpose, string name, uint version = 1, int? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReleaseAsync("derive a key", $"v1/namespaces/{_namespace}/keys",
            (evidence, challenge, recipient) => new KeyReleaseBody(evidence, challenge, InstanceId, recipient, purpose, name, version, length),
            cancellationToken);
    }

    /// <summary>The current version of a namespace secret.</summary>
    public Task<ReleasedSecret> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReleaseAsync("release a secret", $"v1/namespaces/{_namespace}/secrets/{Uri.EscapeDataString(name)}",
            (evidence, challenge, recipient) => new SecretReleaseBody(evidence, challenge, InstanceId, recipient),
            cancellationToken);
    }

    /// <summary>A certificate from the namespace CA for <paramref name="request"/>, whose public key the evidence binds.</summary>
    /// <remarks>The KMS binds an instance id to one key: releases go to the recipient key, so certificate requests are
    /// made under a second instance id derived from this one (<see cref="CertificateInstanceId"/>), which the KMS binds
    /// to the CSR's key in the same way.</remarks>
    public Task<CertificateBody> IssueCertificateAsync(CertificateRequest request, X509SignatureGenerator? signer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] der = signer is null ? request.CreateSigningRequest() : request.CreateSigningRequest(signer);
        return IssueCertificateAsync(der, cancellationToken);
    }

    /// <summary>A certificate from the namespace CA for a DER PKCS#10 request, whose public key the evidence binds.</summary>
    /// <exception cref="ArgumentException">The request does not parse.</exception>
    public async Task<CertificateBody> IssueCertificateAsync(byte[] certificateRequestDer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificateRequestDer);
        byte[] publicKey;
        try
        {
            publicKey = CertificateRequest.LoadSigningRequest(
                certificateRequestDer, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation)
                .PublicKey.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException exception)
        {
            throw new ArgumentException($"The certificate request does not parse: {exception.Message}", nameof(certificateRequestDer));
        }

        string identity = await GetIdentityAsync(cancellationToken).ConfigureAwait(false);
        byte[] instanceId = Convert.FromHexString(CertificateInstanceId);
        string csr = PemEncoding.WriteString("CERTIFICATE REQUEST", certificateRequestDer);
        return await _transport.RunAsync("issue a certificate", async (silo, ct) =>
        {
            ChallengeBody challenge = await ChallengeAsync(silo, identity, instanceId, ct).ConfigureAwait(false);
            EvidenceBody evidence = await EvidenceAsync(Binding(challenge, instanceId, "csr", publicKey), ct).ConfigureAwait(false);
            CertificateBody issued = await _transport.SendJsonAsync<CertificateBody>(
                silo, HttpMethod.Post, $"v1/namespaces/{_namespace}/certificates",
                new CertificateRequestBody(evidence, challenge.Challenge, Convert.ToHexStringLower(instanceId), csr), ct).ConfigureAwait(false);
            return issued.Certificate is { Length: > 0 } && issued.CaCertificate is { Length: > 0 }
                ? issued
                : throw new InvalidDataException("The KMS answered without a certificate.");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance id certificate requests are made under: SHA-256("Orleans.Kms certificate instance v1" ‖
    /// 0x00 ‖ instance id), lowercase hex.</summary>
    public string CertificateInstanceId
    {
        get
        {
            byte[] input = [.. "Orleans.Kms certificate instance v1"u8, 0, .. _instanceId];
            return Convert.ToHexStringLower(SHA256.HashData(input));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _recipient.Dispose();
        _identityLock.Dispose();
    }

    private async Task<ReleasedSecret> ReleaseAsync(
        string what, string path, Func<EvidenceBody, string, RecipientBody, object> body, CancellationToken cancellationToken)
    {
        string identity = await GetIdentityAsync(cancellationToken).ConfigureAwait(false);
        var recipient = new RecipientBody(_recipient.Scheme, Convert.ToBase64String(_recipient.PublicKey.Span));
        SealedReleaseBody sealedRelease = await _transport.RunAsync(what, async (silo, ct) =>
        {
            ChallengeBody challenge = await ChallengeAsync(silo, identity, _instanceId, ct).ConfigureAwait(false);
            EvidenceBody evidence = await EvidenceAsync(Binding(challenge, _instanceId, _recipient.Scheme, _recipient.PublicKey.Span), ct).ConfigureAwait(false);
            return await _transport.SendJsonAsync<SealedReleaseBody>(silo, HttpMethod.Post, path, body(evidence, challenge.Challenge, recipient), ct)
                .ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        if (sealedRelease.Scheme != _recipient.Scheme)
        {
            throw new InvalidDataException($"The KMS sealed the release under {sealedRelease.Scheme}, not {_recipient.Scheme}.");
        }

        byte[] encapsulation, ciphertext;
        try
        {
            encapsulation = Convert.FromBase64String(sealedRelease.Encapsulation ?? string.Empty);
            ciphertext = Convert.FromBase64String(sealedRelease.Ciphertext ?? string.Empty);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("The KMS answered with a release that is not base64.");
        }

        return new ReleasedSecret(_recipient.Open(encapsulation, ciphertext), sealedRelease.Identity, sealedRelease.KeyEpoch);
    }

    private async Task<ChallengeBody> ChallengeAsync(Uri silo, string identity, byte[] instanceId, CancellationToken cancellationToken)
    {
        ChallengeBody challenge = await _transport.SendJsonAsync<ChallengeBody>(
            silo, HttpMethod.Post, $"v1/namespaces/{_namespace}/challenges",
            new ChallengeRequestBody(identity, Convert.ToHexStringLower(instanceId)), cancellationToken).ConfigureAwait(false);
        return challenge.Challenge is { Length: 64 } && challenge.Challenge.All(char.IsAsciiHexDigit)
            ? challenge
            : throw new InvalidDataException("The KMS answered with a malformed challenge.");
    }

    private static byte[] Binding(ChallengeBody challenge, byte[] instanceId, string scheme, ReadOnlySpan<byte> publicKey) =>
        ReleaseBinding.ReportData(Convert.FromHexString(challenge.Challenge), instanceId, scheme, publicKey);

    private async Task<EvidenceBody> EvidenceAsync(byte[] reportData, CancellationToken cancellationToken)
    {
        byte[] evidence = await _evidence.GetEvidenceAsync(reportData, cancellationToken).ConfigureAwait(false);
        return new EvidenceBody(_evidence.EvidenceType, Convert.ToBase64String(evidence));
    }
}
