using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>
/// What the grains ask governance. Every method either returns a definite decision or throws
/// <see cref="GovernanceUnavailableException"/> (fail closed: the caller releases nothing and the API answers 503).
/// </summary>
public interface INamespaceGovernance
{
    /// <summary>Whether <paramref name="identity"/> is admitted to <paramref name="namespace"/>; carries its config hash when allowed.</summary>
    /// <exception cref="GovernanceUnavailableException">The governing source cannot be read or is too stale.</exception>
    ValueTask<GovernanceDecision> CheckIdentityAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="operatorId"/> is an operator of <paramref name="namespace"/>.</summary>
    /// <exception cref="GovernanceUnavailableException">The governing source cannot be read or is too stale.</exception>
    ValueTask<GovernanceDecision> CheckOperatorAsync(string @namespace, string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="identity"/> may obtain the key <paramref name="keyName"/> of <paramref name="namespace"/>.</summary>
    /// <exception cref="GovernanceUnavailableException">The governing source cannot be read or is too stale.</exception>
    ValueTask<GovernanceDecision> CheckKeyAccessAsync(string @namespace, WorkloadIdentity identity, string keyName, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="identity"/> may replicate the namespace's secrets or join as a KMS node.</summary>
    /// <exception cref="GovernanceUnavailableException">The governing source cannot be read or is too stale.</exception>
    ValueTask<GovernanceDecision> CheckReplicationAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default);
}
