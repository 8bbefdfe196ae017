using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Workloads;

namespace Kms.Api.V1;

/// <summary>Between the JSON bodies and the grains' messages.</summary>
internal static class V1Mapping
{
    public static ClusterStatusBody ToBody(this ClusterStatus status) => new(
        status.State.ToString().ToLowerInvariant(),
        status.Epoch,
        status.Threshold,
        status.Committee.Select(m => new CommitteeMemberBody(m.SiloName, m.ShareIndex)).ToArray(),
        status.UnavailableMembers.ToArray(),
        status.GroupPublicKey.Length == 0 ? null : Convert.ToHexStringLower(status.GroupPublicKey),
        status.Admins.ToArray(),
        status.LastRefresh,
        status.LastRefreshError);

    public static AdminKey ToAdmin(AdminKeyBody body, int index)
    {
        string field = $"admins[{index}]";
        V1Input.Required(body, field);
        return new AdminKey(
            V1Input.Required(body.Name, field + ".name"),
            V1Input.SubjectPublicKeyInfo(body.SigningKey, field + ".signingKey"),
            body.RecoveryKey is null ? [] : V1Input.Base64(body.RecoveryKey, field + ".recoveryKey", 32));
    }

    public static AdminKey[] ToAdmins(AdminKeyBody[]? admins) => (admins ?? []).Select(ToAdmin).ToArray();

    public static NamespacePolicy ToPolicy(PolicyBody? body)
    {
        V1Input.Required(body, "policy");
        return new NamespacePolicy(
            V1Input.Required(body!.TeeTypes, "policy.teeTypes"), body.AllowDebug, V1Input.Required(body.TcbStatuses, "policy.tcbStatuses"),
            body.RequirePostQuantum ?? false);
    }

    public static PolicySigners? ToPolicySigners(PolicySignersBody? body) => body is null
        ? null
        : new PolicySigners(
            V1Input.Required(body.Signers, "policySigners.signers")
                .Select((s, i) => new PolicySignerId(
                    V1Input.Required(V1Input.Required(s, $"policySigners.signers[{i}]").Scheme, $"policySigners.signers[{i}].scheme"),
                    V1Input.Required(s.Signer, $"policySigners.signers[{i}].signer")))
                .ToArray(),
            body.Threshold);

    public static PolicyDocumentBody ToBody(this PolicyDocumentRecord record) => new(record.Serial, record.Identities, [.. record.Signers]);

    public static NamespaceGovernance ToGovernance(string? value) => value switch
    {
        null or "registry" => NamespaceGovernance.Registry,
        "policy-documents" => NamespaceGovernance.PolicyDocuments,
        "onchain" => NamespaceGovernance.Onchain,
        _ => throw ApiProblemException.MalformedInput("'governance' is one of registry, policy-documents, onchain."),
    };

    public static NamespaceBody ToBody(this NamespaceInfo info) => new(
        info.Name,
        info.Governance switch
        {
            NamespaceGovernance.PolicyDocuments => "policy-documents",
            NamespaceGovernance.Onchain => "onchain",
            _ => "registry",
        },
        new PolicyBody([.. info.Policy.TeeTypes], info.Policy.AllowDebug, [.. info.Policy.TcbStatuses], info.Policy.RequirePostQuantum),
        info.KeyEpoch,
        info.CaCertificatePem,
        info.CreatedAt,
        info.Measurements);

    public static MeasurementBody ToBody(this MeasurementRecord record) =>
        new(record.Identity, record.Description, record.AddedAt, record.AddedBy, record.RevokedAt, record.RevokedBy);

    public static AttestedRequest ToRequest(string @namespace, EvidenceBody? evidence, string? challenge, string? instanceId)
    {
        V1Input.Required(evidence, "evidence");
        return new AttestedRequest(
            V1Input.Namespace(@namespace),
            new EvidenceSubmission(V1Input.Required(evidence!.Type, "evidence.type"), V1Input.Base64(evidence.Evidence, "evidence.evidence")),
            V1Input.Hex32(challenge, "challenge"),
            V1Input.Hex32(instanceId, "instanceId"));
    }

    public static VerifiedEvidenceBody ToBody(this VerifiedWorkload workload) => new(
        workload.EvidenceType,
        workload.Tee,
        workload.Debug,
        workload.TcbStatus,
        [.. workload.AdvisoryIds],
        new Dictionary<string, string>(workload.Measurements, StringComparer.Ordinal),
        Convert.ToHexStringLower(workload.ReportData),
        workload.Identity.Length == 0 ? null : workload.Identity);

    public static IdentityBody ToBody(this WorkloadIdentityStatus status) => new(
        status.Namespace,
        status.Identity,
        status.RevokedAt,
        status.Instances.Select(i => new InstanceBody(i.InstanceId, i.FirstSeen, i.LastSeen, i.CloneSuspected)).ToArray(),
        status.RecentReleases.Select(r => new ReleaseRecordBody(r.At, r.InstanceId, r.Kind, r.Detail)).ToArray(),
        status.Releases);
}
