namespace Kms.Grains.Namespaces;

/// <summary>
/// A namespace's admission rule for a verified workload: its TEE type, debug flag and TCB status must be allowed by
/// the policy, its identity must not be revoked in the namespace's registry (an emergency brake whoever governs), and
/// the namespace's governance (<see cref="INamespaceAdmission"/>) must admit it. Dev evidence is always "debug" and
/// has no TCB; a policy admits it only by naming the "dev" TEE type, which only a silo in development mode can verify.
/// </summary>
internal static class NamespaceAuthorizer
{
    public static async ValueTask<AuthorizationDecision> DecideAsync(
        NamespaceGrainState state, INamespaceAdmission admission, VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        NamespacePolicy policy = state.Policy;
        bool dev = workload.Tee == "dev";
        if (!policy.TeeTypes.Contains(workload.Tee, StringComparer.Ordinal))
        {
            return Deny(string.Empty, $"The namespace does not admit {workload.Tee} evidence.");
        }

        if (!dev && workload.Debug && !policy.AllowDebug)
        {
            return Deny(string.Empty, "The TEE runs in debug mode, which the namespace does not admit.");
        }

        if (!dev && !policy.TcbStatuses.Contains(workload.TcbStatus, StringComparer.Ordinal))
        {
            return Deny(string.Empty, $"The platform's TCB status {workload.TcbStatus} is not accepted by the namespace.");
        }

        string identity = admission.IdentityOf(workload);
        if (state.Measurements.TryGetValue(identity, out MeasurementRecord? record) && record.RevokedAt is { } revokedAt)
        {
            return Deny(identity, $"Measurement {identity} was revoked at {revokedAt:O}.");
        }

        return await admission.AdmitAsync(identity, cancellationToken);
    }

    private static AuthorizationDecision Deny(string identity, string reason) => new(false, identity, reason);
}
