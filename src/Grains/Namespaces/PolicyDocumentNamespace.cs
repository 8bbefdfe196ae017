using Kms.Governance.Policy;
using Kms.Governance.Service;

namespace Kms.Grains.Namespaces;

/// <summary>
/// The policy documents of one namespace: <see cref="PolicyDocumentGovernance"/> over the grain state, verifying every
/// update with the namespace's signer set (threshold of distinct signers, serial only goes up) and answering admission
/// from the document in force (identity listed, not expired).
/// </summary>
internal sealed class PolicyDocumentNamespace
{
    private readonly string _namespace;
    private readonly PolicyDocumentGovernance _governance;

    public PolicyDocumentNamespace(string @namespace, IPersistentState<NamespaceGrainState> state, TimeProvider time)
    {
        _namespace = @namespace;
        PolicySignerSet signers = SignerSet(state.State.PolicySigners);
        // The store is the grain's own state, so asking it on every decision costs nothing and is never stale.
        _governance = new PolicyDocumentGovernance(
            new PolicyVerifier(signers), new GrainStatePolicyStore(state, @namespace), time, new PolicyDocumentGovernanceOptions { RefreshInterval = TimeSpan.Zero });
    }

    public INamespaceGovernance Governance => _governance;

    /// <summary>Checks that a namespace can be governed by policy documents signed by <paramref name="signers"/>.</summary>
    /// <exception cref="KmsException">The name is not a policy namespace name or the signer set is malformed (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static void Validate(string @namespace, PolicySigners? signers)
    {
        if (!NamespacePolicyParser.IsValidNamespace(@namespace))
        {
            throw new KmsException(
                KmsErrorKind.MalformedInput,
                "A namespace governed by policy documents is named by 1 to 128 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit (as its documents name it).");
        }

        _ = SignerSet(signers);
    }

    /// <summary>Verifies <paramref name="envelope"/> and, when accepted, stores it as the document in force.</summary>
    /// <exception cref="KmsException">Refused (400 malformed, 403 signatures, 409 serial) or the state cannot be written (503).</exception>
    public async Task<PolicyDocumentRecord> ApplyAsync(byte[] envelope, CancellationToken cancellationToken)
    {
        PolicyVerificationResult result;
        try
        {
            result = await _governance.ApplyAsync(_namespace, envelope, cancellationToken);
        }
        catch (GovernanceUnavailableException exception)
        {
            // Not the inner exception: a grain call carries only exceptions Orleans can serialize.
            throw new KmsException(KmsErrorKind.Unavailable, exception.Message);
        }

        if (!result.IsAccepted)
        {
            throw new KmsException(ErrorKind(result.Reason), $"The policy document is refused ({result.Reason}): {result.Message}");
        }

        return new PolicyDocumentRecord(result.Policy!.Serial, result.Policy.Identities.Count, [.. result.ValidSigners.Select(s => s.ToString())]);
    }

    private static KmsErrorKind ErrorKind(PolicyRejectionReason? reason) => reason switch
    {
        PolicyRejectionReason.TamperedBody or PolicyRejectionReason.BadSignature or PolicyRejectionReason.BelowThreshold => KmsErrorKind.PolicyDenied,
        PolicyRejectionReason.SerialNotIncreasing => KmsErrorKind.Conflict,
        _ => KmsErrorKind.MalformedInput,
    };

    private static PolicySignerSet SignerSet(PolicySigners? signers)
    {
        if (signers?.Signers is not { Count: > 0 and <= SignedPolicyEnvelope.MaxSignatures } list)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Policy-document governance needs 1 to {SignedPolicyEnvelope.MaxSignatures} policy signers.");
        }

        var parsed = new List<PolicySigner>(list.Count);
        foreach (PolicySignerId signer in list)
        {
            try
            {
                parsed.Add(PolicySigner.Parse(signer?.Scheme ?? string.Empty, signer?.Signer ?? string.Empty));
            }
            catch (PolicyFormatException exception)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, $"Policy signer {parsed.Count}: {exception.Message}");
            }
        }

        if (parsed.Distinct().Count() != parsed.Count)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A policy signer is listed twice.");
        }

        if (signers.Threshold < 1 || signers.Threshold > parsed.Count)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The policy signer threshold is 1 to {parsed.Count}, not {signers.Threshold}.");
        }

        return new PolicySignerSet(parsed, signers.Threshold);
    }
}
