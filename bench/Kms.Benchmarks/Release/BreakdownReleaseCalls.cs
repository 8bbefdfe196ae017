using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Kms.Crypto.KeyTree;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Workloads;

namespace Kms.Benchmarks.Release;

/// <summary>
/// A release made of the steps <c>ReleaseWorkerGrain</c> takes, each called and timed on its own against an
/// in-process silo: verify the evidence (a call to a release worker), the namespace's grant (policy decision and its
/// cached key) or its certificate (policy decision, CSR parsed, leaf signed), the identity's admission (challenge
/// consumed, release recorded: one state write), then for a key derive and seal here. Shows where the time of a release goes without changing the product.
/// </summary>
internal sealed class BreakdownReleaseCalls(IGrainFactory grains) : IReleaseCalls
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _steps = new(StringComparer.Ordinal);

    public bool Recording { get; set; }

    public async Task<byte[]> ChallengeAsync(string ns, BenchInstance instance, CancellationToken cancellationToken)
        => (await Identity(ns, instance).IssueChallengeAsync(instance.InstanceId, cancellationToken)).Challenge;

    public async Task ReleaseAsync(string ns, BenchInstance instance, byte[] challenge, byte[] evidence, bool check, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        byte[] reportData = ReleaseBinding.ReportData(challenge, instance.InstanceId, instance.Scheme, instance.BoundKey);
        VerifiedWorkload workload = await grains.GetGrain<IReleaseWorkerGrain>(0)
            .VerifyAsync(new EvidenceSubmission("dev", evidence), reportData, cancellationToken);
        long verified = Record("  verify evidence", start);
        if (instance.Scheme == "csr")
        {
            IssuedCertificateRecord issued = await grains.GetGrain<INamespaceGrain>(ns).IssueCertificateAsync(workload, instance.CsrDer, cancellationToken);
            long signed = Record("  namespace issues cert", verified);
            await AdmitAsync(ns, instance, challenge, "certificate", issued.Serial, cancellationToken);
            Record("  identity admit (write)", signed);
            if (check)
            {
                ReleaseChecks.Certificate(issued.CertificatePem, issued.CaCertificatePem);
            }

            return;
        }

        ReleaseGrant grant = await grains.GetGrain<INamespaceGrain>(ns).GrantReleaseAsync(workload, cancellationToken);
        long granted = Record("  namespace grant", verified);
        try
        {
            await AdmitAsync(ns, instance, challenge, "derived-key", $"storage/disk/v1@{grant.KeyEpoch}", cancellationToken);
            long admitted = Record("  identity admit (write)", granted);
            byte[] derived = KeyTreeDerivation.DeriveKey(grant.NamespaceKey, new DerivedKeyLabel("storage", ns, grant.Identity, "disk", 1), 32);
            (byte[] encapsulation, byte[] ciphertext) = ReleaseSealer.Seal(new RecipientKey(instance.Scheme, instance.BoundKey), derived);
            CryptographicOperations.ZeroMemory(derived);
            Record("  derive + seal", admitted);
            if (check)
            {
                ReleaseChecks.Key(instance.Open(encapsulation, ciphertext));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(grant.NamespaceKey);
        }
    }

    public void Print(TimeSpan elapsed)
    {
        foreach ((string step, ConcurrentBag<long> ticks) in _steps.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(LatencySummary.Of(step, ticks, elapsed));
        }
    }

    private Task AdmitAsync(string ns, BenchInstance instance, byte[] challenge, string kind, string detail, CancellationToken cancellationToken)
        => Identity(ns, instance).AdmitAsync(
            new AdmissionRequest(challenge, instance.InstanceId, SHA256.HashData(instance.BoundKey), kind, detail), cancellationToken);

    private IWorkloadIdentityGrain Identity(string ns, BenchInstance instance)
        => grains.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(ns, instance.Workload.Identity));

    private long Record(string step, long since)
    {
        long now = Stopwatch.GetTimestamp();
        if (Recording)
        {
            _steps.GetOrAdd(step, _ => []).Add(now - since);
        }

        return now;
    }
}
