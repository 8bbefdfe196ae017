namespace Kms.Grains.Namespaces;

/// <summary>What each kind of governance requires of a namespace when it is created.</summary>
internal static class NamespaceGovernanceRules
{
    /// <exception cref="KmsException">The governance does not fit the namespace id or lacks what it needs (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static void Validate(string name, NamespaceCreateRequest request, bool onchainConfigured)
    {
        if (request.Governance != NamespaceGovernance.PolicyDocuments && request.PolicySigners is not null)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "Only a namespace governed by policy documents has policy signers.");
        }

        switch (request.Governance)
        {
            case NamespaceGovernance.Registry:
                return;
            case NamespaceGovernance.PolicyDocuments:
                PolicyDocumentNamespace.Validate(name, request.PolicySigners);
                return;
            case NamespaceGovernance.Onchain when !NamespaceNames.IsContractAddress(name):
                throw new KmsException(KmsErrorKind.MalformedInput, "An onchain namespace's id is its governance contract's address: 0x and 40 lowercase hex.");
            case NamespaceGovernance.Onchain when !onchainConfigured:
                throw new KmsException(KmsErrorKind.MalformedInput, "This cluster has no governance RPC endpoint (Silo:Grains:Governance:RpcUrl); it cannot govern a namespace onchain.");
            case NamespaceGovernance.Onchain:
                return;
            default:
                throw new KmsException(KmsErrorKind.MalformedInput, $"Unknown governance {(int)request.Governance}.");
        }
    }
}
