using Kms.Governance.Policy;
using Kms.Governance.Service;

namespace Kms.Grains.Namespaces;

/// <summary>
/// Policy-document and onchain governance: an <see cref="INamespaceGovernance"/> admits the identity. When it cannot
/// answer (chain unreachable or stale, stored document invalid) the request fails as unavailable: nothing is released.
/// </summary>
internal sealed class GovernedAdmission(string @namespace, INamespaceGovernance governance, Func<VerifiedWorkload, string> identityOf)
    : INamespaceAdmission
{
    public string IdentityOf(VerifiedWorkload workload) => identityOf(workload);

    public async ValueTask<AuthorizationDecision> AdmitAsync(string identity, CancellationToken cancellationToken)
    {
        GovernanceDecision decision;
        try
        {
            decision = await governance.CheckIdentityAsync(@namespace, WorkloadIdentity.ParseHex(identity), cancellationToken);
        }
        catch (GovernanceUnavailableException exception)
        {
            // Not the inner exception: a grain call carries only exceptions Orleans can serialize.
            throw new KmsException(KmsErrorKind.Unavailable, $"Governance of '{@namespace}' cannot be read; nothing is released: {exception.Message}");
        }

        return new AuthorizationDecision(decision.IsAllowed, identity, decision.Detail);
    }
}
