using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Workloads;

namespace Kms.Benchmarks.Release;

/// <summary>The two calls of a release as a workload makes them: a challenge, then evidence for a key or a certificate.</summary>
internal interface IReleaseCalls
{
    Task<byte[]> ChallengeAsync(string ns, BenchInstance instance, CancellationToken cancellationToken);

    /// <summary>Presents the evidence; <paramref name="check"/> opens the key or parses the certificate it gets.</summary>
    Task ReleaseAsync(string ns, BenchInstance instance, byte[] challenge, byte[] evidence, bool check, CancellationToken cancellationToken);
}

/// <summary>Over HTTP, through Kestrel and the /v1 routes (JSON in and out), as a workload calls a silo.</summary>
internal sealed class HttpReleaseCalls(HttpClient client) : IReleaseCalls
{
    public async Task<byte[]> ChallengeAsync(string ns, BenchInstance instance, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(
            $"/v1/namespaces/{ns}/challenges",
            new ChallengeRequest(instance.Workload.Identity, Convert.ToHexStringLower(instance.InstanceId)),
            ReleaseJsonContext.Default.ChallengeRequest,
            cancellationToken);
        await DevSiloTarget.EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        ChallengeResponse body = (await response.Content.ReadFromJsonAsync(ReleaseJsonContext.Default.ChallengeResponse, cancellationToken))!;
        return Convert.FromHexString(body.Challenge);
    }

    public async Task ReleaseAsync(string ns, BenchInstance instance, byte[] challenge, byte[] evidence, bool check, CancellationToken cancellationToken)
    {
        var evidenceJson = new EvidenceJson("dev", Convert.ToBase64String(evidence));
        string challengeHex = Convert.ToHexStringLower(challenge);
        string instanceId = Convert.ToHexStringLower(instance.InstanceId);
        using HttpResponseMessage response = instance.Scheme == "csr"
            ? await client.PostAsJsonAsync(
                $"/v1/namespaces/{ns}/certificates",
                new CertificateRequestJson(evidenceJson, challengeHex, instanceId, instance.CsrPem),
                ReleaseJsonContext.Default.CertificateRequestJson,
                cancellationToken)
            : await client.PostAsJsonAsync(
                $"/v1/namespaces/{ns}/keys",
                new KeyRequest(evidenceJson, challengeHex, instanceId, new RecipientJson(instance.Scheme, Convert.ToBase64String(instance.BoundKey)), "storage", "disk", 1),
                ReleaseJsonContext.Default.KeyRequest,
                cancellationToken);
        await DevSiloTarget.EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        if (!check)
        {
            // Read the whole body as a workload would, without parsing it.
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        else if (instance.Scheme == "csr")
        {
            CertificateResponse body = (await response.Content.ReadFromJsonAsync(ReleaseJsonContext.Default.CertificateResponse, cancellationToken))!;
            ReleaseChecks.Certificate(body.Certificate, body.CaCertificate);
        }
        else
        {
            KeyResponse body = (await response.Content.ReadFromJsonAsync(ReleaseJsonContext.Default.KeyResponse, cancellationToken))!;
            ReleaseChecks.Key(instance.Open(Convert.FromBase64String(body.Encapsulation), Convert.FromBase64String(body.Ciphertext)));
        }
    }
}

/// <summary>Straight to the grains of an in-process silo: the same release without HTTP, JSON and Kestrel.</summary>
internal sealed class GrainReleaseCalls(IGrainFactory grains) : IReleaseCalls
{
    public async Task<byte[]> ChallengeAsync(string ns, BenchInstance instance, CancellationToken cancellationToken)
        => (await grains.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(ns, instance.Workload.Identity))
            .IssueChallengeAsync(instance.InstanceId, cancellationToken)).Challenge;

    public async Task ReleaseAsync(string ns, BenchInstance instance, byte[] challenge, byte[] evidence, bool check, CancellationToken cancellationToken)
    {
        var request = new AttestedRequest(ns, new EvidenceSubmission("dev", evidence), challenge, instance.InstanceId);
        IReleaseWorkerGrain worker = grains.GetGrain<IReleaseWorkerGrain>(0);
        if (instance.Scheme == "csr")
        {
            IssuedCertificateRecord issued = await worker.IssueCertificateAsync(request, instance.CsrDer, cancellationToken);
            if (check)
            {
                ReleaseChecks.Certificate(issued.CertificatePem, issued.CaCertificatePem);
            }
        }
        else
        {
            SealedRelease release = await worker.ReleaseDerivedKeyAsync(
                request, new RecipientKey(instance.Scheme, instance.BoundKey), new DerivedKeySpec("storage", "disk", 1, 32), cancellationToken);
            if (check)
            {
                ReleaseChecks.Key(instance.Open(release.Encapsulation, release.Ciphertext));
            }
        }
    }
}

/// <summary>What the first release of each instance must hold, so that a run never measures refusals.</summary>
internal static class ReleaseChecks
{
    public static void Key(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new InvalidOperationException($"The released key opened to {key.Length} bytes, not 32.");
        }
    }

    public static void Certificate(string leafPem, string caPem)
    {
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(leafPem);
        using X509Certificate2 ca = X509Certificate2.CreateFromPem(caPem);
        if (leaf.Issuer != ca.Subject)
        {
            throw new InvalidOperationException($"The certificate's issuer '{leaf.Issuer}' is not the namespace CA '{ca.Subject}'.");
        }
    }
}
