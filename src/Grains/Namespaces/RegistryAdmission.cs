namespace Kms.Grains.Namespaces;

/// <summary>Registry governance: the namespace's own measurement registry, kept by admins, admits an identity.</summary>
internal sealed class RegistryAdmission(IReadOnlyDictionary<string, MeasurementRecord> registry) : INamespaceAdmission
{
    public string IdentityOf(VerifiedWorkload workload) => MeasurementIdentity.Compute(workload);

    public ValueTask<AuthorizationDecision> AdmitAsync(string identity, CancellationToken cancellationToken) =>
        ValueTask.FromResult(registry.ContainsKey(identity)
            ? new AuthorizationDecision(true, identity, $"Measurement {identity} is in the registry.")
            : new AuthorizationDecision(false, identity, $"Measurement {identity} is not in the namespace's registry."));
}
