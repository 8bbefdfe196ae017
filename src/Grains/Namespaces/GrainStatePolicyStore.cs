using Kms.Governance.Service;

namespace Kms.Grains.Namespaces;

/// <summary>
/// The policy store of one policy-document namespace is its grain state: the document in force is part of the
/// namespace's single ETag-checked write, so no second store can disagree with the grain.
/// </summary>
internal sealed class GrainStatePolicyStore(IPersistentState<NamespaceGrainState> state, string @namespace) : IPolicyStore
{
    public Task<StoredPolicy?> LoadAsync(string policyNamespace, CancellationToken cancellationToken)
    {
        RequireOwn(policyNamespace);
        NamespaceGrainState s = state.State;
        return Task.FromResult(s.PolicyEnvelope is { } envelope && s.PolicySerial is long serial ? new StoredPolicy(serial, envelope) : null);
    }

    public async Task<bool> TryReplaceAsync(string policyNamespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        RequireOwn(policyNamespace);
        NamespaceGrainState s = state.State;
        if (s.PolicySerial != expectedSerial)
        {
            return false;
        }

        (byte[]? envelope, long? serial) = (s.PolicyEnvelope, s.PolicySerial);
        s.PolicyEnvelope = (byte[])policy.Envelope.Clone();
        s.PolicySerial = policy.Serial;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            // Not stored: the grain must go on answering with the document that is in force.
            (s.PolicyEnvelope, s.PolicySerial) = (envelope, serial);
            throw;
        }

        return true;
    }

    private void RequireOwn(string policyNamespace)
    {
        if (!string.Equals(policyNamespace, @namespace, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The policy store of '{@namespace}' was asked for '{policyNamespace}'.");
        }
    }
}
