namespace Kms.Governance.Policy;

/// <summary>
/// Verifies threshold-signed namespace policies. A policy is accepted only when
/// (1) the envelope and body follow the schema, (2) the body is for the expected namespace,
/// (3) every signature by a configured signer verifies over <see cref="PolicySigningMessage"/> of the canonical body,
/// (4) at least <see cref="PolicySignerSet.Threshold"/> DISTINCT configured signers signed validly
/// (a signer listed twice counts once; unknown signers never count), and
/// (5) the serial is strictly greater than the current one (serial numbers only go up).
/// </summary>
/// <remarks>
/// (3) is stricter than counting valid signatures only: a bad signature from a trusted key means the document or
/// the signing process is not what the admins think it is, so the whole document is refused (fail closed).
/// </remarks>
public sealed class PolicyVerifier
{
    private readonly PolicySignerSet _signers;

    /// <summary>Creates a verifier for a signer set.</summary>
    public PolicyVerifier(PolicySignerSet signers)
    {
        _signers = signers ?? throw new ArgumentNullException(nameof(signers));
    }

    /// <summary>The configured signers and threshold.</summary>
    public PolicySignerSet Signers => _signers;

    /// <summary>Verifies a signed envelope.</summary>
    /// <param name="envelopeUtf8">The envelope JSON.</param>
    /// <param name="expectedNamespace">The namespace being updated, or <see langword="null"/> to accept any.</param>
    /// <param name="currentSerial">The serial of the policy in force, or <see langword="null"/> when there is none.</param>
    public PolicyVerificationResult Verify(ReadOnlySpan<byte> envelopeUtf8, string? expectedNamespace, long? currentSerial)
    {
        SignedPolicyEnvelope envelope;
        try
        {
            envelope = SignedPolicyEnvelope.Parse(envelopeUtf8);
        }
        catch (PolicyFormatException ex)
        {
            return Reject(PolicyRejectionReason.Malformed, ex.Message);
        }

        NamespacePolicy policy = envelope.Policy;
        if (expectedNamespace is not null && !string.Equals(policy.Namespace, expectedNamespace, StringComparison.Ordinal))
        {
            return Reject(
                PolicyRejectionReason.NamespaceMismatch,
                $"The policy is for namespace \"{policy.Namespace}\", not \"{expectedNamespace}\".",
                envelope);
        }

        byte[] message = PolicySigningMessage.Create(envelope.CanonicalBody);
        var valid = new List<PolicySigner>();
        var seen = new HashSet<PolicySigner>();
        var issues = new List<PolicySignatureIssue>();
        var bad = new List<PolicySigner>();
        foreach (PolicySignatureEntry entry in envelope.Signatures)
        {
            bool duplicate = !seen.Add(entry.Signer);
            if (duplicate)
            {
                issues.Add(new PolicySignatureIssue(entry.Index, entry.Signer.ToString(), PolicySignatureIssueKind.DuplicateSigner));
            }

            if (!_signers.Contains(entry.Signer))
            {
                if (!duplicate)
                {
                    issues.Add(new PolicySignatureIssue(entry.Index, entry.Signer.ToString(), PolicySignatureIssueKind.UnknownSigner));
                }

                continue;
            }

            // Duplicates are verified too: a second, invalid signature by a trusted key is still a bad signature.
            if (entry.Signer.Verify(message, entry.Signature))
            {
                if (!valid.Contains(entry.Signer))
                {
                    valid.Add(entry.Signer);
                }
            }
            else
            {
                issues.Add(new PolicySignatureIssue(entry.Index, entry.Signer.ToString(), PolicySignatureIssueKind.BadSignature));
                bad.Add(entry.Signer);
            }
        }

        if (bad.Count > 0)
        {
            return valid.Count == 0
                ? Reject(
                    PolicyRejectionReason.TamperedBody,
                    $"No signature by a configured signer matches the policy body ({bad.Count} bad): the body was altered after signing or the signatures are forged.",
                    envelope, valid, issues)
                : Reject(
                    PolicyRejectionReason.BadSignature,
                    $"Bad signature by {string.Join(", ", bad.Distinct())}.",
                    envelope, valid, issues);
        }

        if (valid.Count < _signers.Threshold)
        {
            string detail = issues.Count == 0 ? string.Empty : " (" + string.Join("; ", issues.Select(i => $"{i.Kind} {i.Signer} at {i.Index}")) + ")";
            return Reject(
                PolicyRejectionReason.BelowThreshold,
                $"Signed by {valid.Count} of the required {_signers.Threshold} distinct configured signers{detail}.",
                envelope, valid, issues);
        }

        if (currentSerial is long current && policy.Serial <= current)
        {
            return Reject(
                PolicyRejectionReason.SerialNotIncreasing,
                $"The policy serial {policy.Serial} is not greater than the current serial {current}.",
                envelope, valid, issues);
        }

        return new PolicyVerificationResult
        {
            IsAccepted = true,
            Message = $"Accepted serial {policy.Serial} for namespace \"{policy.Namespace}\", signed by {valid.Count} of {_signers.Threshold} required signers.",
            Policy = policy,
            CanonicalBody = envelope.CanonicalBody,
            ValidSigners = valid,
            Threshold = _signers.Threshold,
            Issues = issues,
        };
    }

    /// <summary>Verifies and returns the accepted policy, or throws <see cref="PolicyRejectedException"/>.</summary>
    public NamespacePolicy VerifyOrThrow(ReadOnlySpan<byte> envelopeUtf8, string? expectedNamespace, long? currentSerial)
    {
        PolicyVerificationResult result = Verify(envelopeUtf8, expectedNamespace, currentSerial);
        return result.IsAccepted ? result.Policy! : throw new PolicyRejectedException(result);
    }

    private PolicyVerificationResult Reject(
        PolicyRejectionReason reason,
        string message,
        SignedPolicyEnvelope? envelope = null,
        IReadOnlyList<PolicySigner>? valid = null,
        IReadOnlyList<PolicySignatureIssue>? issues = null) => new()
        {
            IsAccepted = false,
            Reason = reason,
            Message = message,
            CanonicalBody = envelope?.CanonicalBody,
            ValidSigners = valid ?? [],
            Threshold = _signers.Threshold,
            Issues = issues ?? [],
        };
}
