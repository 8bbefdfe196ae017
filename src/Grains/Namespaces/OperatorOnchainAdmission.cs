using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Service;

namespace Kms.Grains.Namespaces;

/// <summary>
/// Onchain admission on behalf of an instance's operator (the Go registry): the registry's
/// <c>IdentityAllowed(identity, operator)</c> decides, where <see cref="GovernedAdmission"/> asks for this KMS's own
/// operator. Records whether the call reverted, which the Go system reports differently from a plain "no".
/// </summary>
internal sealed class OperatorOnchainAdmission(string @namespace, OnchainGovernance governance, EthereumAddress contract, EthereumAddress @operator)
    : INamespaceAdmission
{
    /// <summary>Whether the last decision was a revert (the operator lacks ROLE_OPERATOR).</summary>
    public bool Reverted { get; private set; }

    public string IdentityOf(VerifiedWorkload workload) => ContractIdentity.Compute(workload, contract);

    public async ValueTask<AuthorizationDecision> AdmitAsync(string identity, CancellationToken cancellationToken)
    {
        GovernanceDecision decision;
        try
        {
            decision = await governance.CheckIdentityForOperatorAsync(@namespace, WorkloadIdentity.ParseHex(identity), @operator, cancellationToken);
        }
        catch (GovernanceUnavailableException exception)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"Governance of '{@namespace}' cannot be read; nothing is released: {exception.Message}");
        }

        Reverted = decision.Reason == GovernanceDenialReason.NotOperator;
        return new AuthorizationDecision(decision.IsAllowed, identity, decision.Detail);
    }
}
