using Kms.Crypto.Ethereum;
using Kms.Crypto.KeyTree;
using Kms.Governance.Service;
using Kms.Grains.Registry;
using Microsoft.Extensions.Logging;

namespace Kms.Grains.Namespaces;

/// <summary>
/// The Go TEE registry's decisions (<see cref="INamespaceGrain.GrantRegistryAsync"/> and friends): the KMS governance
/// contract's <c>ApplicationAllowed</c>, then the evidence policy and revocations of the namespace, then the registry's
/// <c>IdentityAllowed(identity, operator)</c> for the instance's operator. The namespace is created on first use once
/// its application is allowed, so a Go deployment needs no extra admin step.
/// </summary>
internal sealed partial class NamespaceGrain
{
    private const string RegistryCreator = "registry-front-end";

    public async Task<RegistryGrantResult> CheckRegistryApplicationAsync(CancellationToken cancellationToken) =>
        await AdmitApplicationAsync(create: false, cancellationToken) ?? new RegistryGrantResult(RegistryRefusal.None, "allowed", null);

    public async Task<AuthorizationDecision> AuthorizeForOperatorAsync(VerifiedWorkload workload, string @operator, CancellationToken cancellationToken)
    {
        RequireExists();
        EthereumAddress operatorAddress = ParseOperator(@operator);
        INamespaceAdmission admission = S.Governance == NamespaceGovernance.Onchain
            ? new OperatorOnchainAdmission(Name, onchain.Onchain(Name, Contract()), Contract(), operatorAddress)
            : Admission();
        return await NamespaceAuthorizer.DecideAsync(S, admission, workload, cancellationToken);
    }

    public async Task<RegistryGrantResult> GrantRegistryAsync(VerifiedWorkload workload, string @operator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        EthereumAddress operatorAddress = ParseOperator(@operator);

        if (await AdmitApplicationAsync(create: true, cancellationToken) is { } refused)
        {
            return refused;
        }

        var admission = new OperatorOnchainAdmission(Name, onchain.Onchain(Name, Contract()), Contract(), operatorAddress);
        AuthorizationDecision decision;
        try
        {
            decision = await NamespaceAuthorizer.DecideAsync(S, admission, workload, cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.PolicyDenied)
        {
            decision = new AuthorizationDecision(false, string.Empty, exception.Message);
        }

        if (!decision.Allowed)
        {
            LogDenied(logger, Name, decision.Reason);
            return new RegistryGrantResult(admission.Reverted ? RegistryRefusal.IdentityCheckReverted : RegistryRefusal.IdentityNotAllowed, decision.Reason, null);
        }

        await RequireQuorumAsync(cancellationToken);
        return new RegistryGrantResult(RegistryRefusal.None, decision.Reason, await RegistryGrantAsync(decision.Identity, cancellationToken));
    }

    public async Task<RegistryGrantResult> GetRegistryPkiAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists && await AdmitApplicationAsync(create: true, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (S.Governance != NamespaceGovernance.Onchain)
        {
            return new RegistryGrantResult(RegistryRefusal.ApplicationNotAllowed, $"namespace {Name} is governed by {S.Governance}, not onchain", null);
        }

        return new RegistryGrantResult(RegistryRefusal.None, "public", await RegistryGrantAsync(string.Empty, cancellationToken));
    }

    /// <summary>Null when the application is allowed (and its namespace exists, when <paramref name="create"/>); else the refusal.</summary>
    private async Task<RegistryGrantResult?> AdmitApplicationAsync(bool create, CancellationToken cancellationToken)
    {
        if (!NamespaceNames.IsContractAddress(Name))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A Go registry application is a contract address (0x + 40 lowercase hex).");
        }

        GovernanceDecision application;
        try
        {
            application = await onchain.Onchain(Name, Contract()).CheckApplicationAsync(Name, cancellationToken);
        }
        catch (GovernanceUnavailableException exception)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"Governance cannot be read; nothing is released: {exception.Message}");
        }

        if (!application.IsAllowed)
        {
            return new RegistryGrantResult(RegistryRefusal.ApplicationNotAllowed, application.Detail, null);
        }

        if (S.Exists)
        {
            return S.Governance == NamespaceGovernance.Onchain
                ? null
                : new RegistryGrantResult(RegistryRefusal.ApplicationNotAllowed, $"namespace {Name} is governed by {S.Governance}, not onchain", null);
        }

        if (create)
        {
            var registry = options.Value.Registry;
            await CreateAsync(
                new NamespaceCreateRequest(NamespaceGovernance.Onchain, new NamespacePolicy(registry.TeeTypes.ToArray(), false, registry.TcbStatuses.ToArray()), RegistryCreator),
                cancellationToken);
        }

        return null;
    }

    private async Task<RegistryKeyGrant> RegistryGrantAsync(string identity, CancellationToken cancellationToken)
    {
        byte[] current = await KeyOfEpochAsync(S.KeyEpoch, cancellationToken);
        return new RegistryKeyGrant(
            identity,
            S.KeyEpoch,
            NamespaceCa.DeriveKeyMaterial(Name, S.NamespaceKeys[CaEpoch]),
            S.CaCertificate.ToArray(),
            KeyTreeDerivation.DeriveKey(current, new DerivedKeyLabel("registry-app", Name, string.Empty, "app", 1)));
    }

    private EthereumAddress Contract() => EthereumAddress.Parse(Name);

    private static EthereumAddress ParseOperator(string @operator) =>
        EthereumAddress.TryParse(@operator, out EthereumAddress address)
            ? address
            : throw new KmsException(KmsErrorKind.MalformedInput, "The operator is a 0x address.");
}
