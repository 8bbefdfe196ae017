using Kms.Grains.Namespaces;
using Kms.Grains.Release;

namespace Kms.Grains.Tests.Kms;

/// <summary>Real SEV-SNP evidence through the grains: verified, known by its measurement identity, admitted, revoked.</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class RealEvidenceTests(InitializedClusterFixture fixture)
{
    [RequiresTestDataFact]
    public async Task RealSnpEvidenceIsAdmittedByItsRegisteredMeasurementAndRefusedOnceRevoked()
    {
        byte[] evidence = RealEvidence.GenoaSnpEvidence();
        IReleaseWorkerGrain worker = fixture.Grains.GetGrain<IReleaseWorkerGrain>(0);
        VerifiedWorkload verified = await worker.VerifyAsync(new EvidenceSubmission("sev-snp", evidence), RealEvidence.ReportDataOf(evidence));
        Assert.Equal("sev-snp", verified.Tee);
        Assert.Equal(96, verified.Measurements["measurement"].Length);
        Assert.True(NamespaceNames.IsValidIdentity(verified.Identity));

        INamespaceGrain ns = fixture.Grains.GetGrain<INamespaceGrain>("snp-workloads");
        await ns.CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, new NamespacePolicy(["sev-snp"], false, [verified.TcbStatus]), "admin-0"));
        AuthorizationDecision unknown = await ns.AuthorizeAsync(verified);
        Assert.False(unknown.Allowed);
        Assert.Equal(verified.Identity, unknown.Identity);

        await ns.AddMeasurementAsync(verified.Identity, "the Genoa sample", "admin-0");
        Assert.True((await ns.AuthorizeAsync(verified)).Allowed);

        await ns.RevokeMeasurementAsync(verified.Identity, "admin-1");
        AuthorizationDecision revoked = await ns.AuthorizeAsync(verified);
        Assert.False(revoked.Allowed);
        Assert.Contains("revoked", revoked.Reason, StringComparison.Ordinal);

        // The same evidence presented for other report data (a replay into another request) does not verify.
        KmsException replay = await Assert.ThrowsAsync<KmsException>(() => worker.VerifyAsync(new EvidenceSubmission("sev-snp", evidence), new byte[64]));
        Assert.Equal(KmsErrorKind.Unauthenticated, replay.Kind);

        // A policy that does not accept the platform's TCB status refuses it before the registry is consulted.
        await ns.SetPolicyAsync(new NamespacePolicy(["sev-snp"], false, [verified.TcbStatus == "UpToDate" ? "OutOfDate" : "UpToDate"]), "admin-0");
        Assert.Contains("TCB status", (await ns.AuthorizeAsync(verified)).Reason, StringComparison.Ordinal);
    }
}
