using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>
/// Routes each namespace to the governance that owns it (onchain or policy documents): a namespace is governed by
/// exactly one source. Namespaces with no route are unknown and denied; the route table is fixed at construction.
/// </summary>
public sealed class NamespaceGovernanceRouter : INamespaceGovernance
{
    private readonly Dictionary<string, INamespaceGovernance> _routes;
    private readonly INamespaceGovernance? _fallback;

    /// <summary>Creates the router.</summary>
    /// <param name="routes">Namespace → governance.</param>
    /// <param name="fallback">Governance for every other namespace (typically the policy-document one), or null to deny them.</param>
    public NamespaceGovernanceRouter(IReadOnlyDictionary<string, INamespaceGovernance> routes, INamespaceGovernance? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = new Dictionary<string, INamespaceGovernance>(routes, StringComparer.Ordinal);
        _fallback = fallback;
    }

    /// <inheritdoc/>
    public ValueTask<GovernanceDecision> CheckIdentityAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default) =>
        Route(@namespace) is { } target ? target.CheckIdentityAsync(@namespace, identity, cancellationToken) : Unknown(@namespace);

    /// <inheritdoc/>
    public ValueTask<GovernanceDecision> CheckOperatorAsync(string @namespace, string operatorId, CancellationToken cancellationToken = default) =>
        Route(@namespace) is { } target ? target.CheckOperatorAsync(@namespace, operatorId, cancellationToken) : Unknown(@namespace);

    /// <inheritdoc/>
    public ValueTask<GovernanceDecision> CheckKeyAccessAsync(string @namespace, WorkloadIdentity identity, string keyName, CancellationToken cancellationToken = default) =>
        Route(@namespace) is { } target ? target.CheckKeyAccessAsync(@namespace, identity, keyName, cancellationToken) : Unknown(@namespace);

    /// <inheritdoc/>
    public ValueTask<GovernanceDecision> CheckReplicationAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default) =>
        Route(@namespace) is { } target ? target.CheckReplicationAsync(@namespace, identity, cancellationToken) : Unknown(@namespace);

    private INamespaceGovernance? Route(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return _routes.TryGetValue(@namespace, out INamespaceGovernance? target) ? target : _fallback;
    }

    private static ValueTask<GovernanceDecision> Unknown(string @namespace) =>
        ValueTask.FromResult(GovernanceDecision.Deny(GovernanceDenialReason.UnknownNamespace, $"Namespace \"{@namespace}\" has no governance.", 0));
}
