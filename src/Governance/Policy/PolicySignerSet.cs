namespace Kms.Governance.Policy;

/// <summary>The signers a verifier trusts and how many distinct ones must sign (t of n).</summary>
public sealed class PolicySignerSet
{
    private readonly HashSet<PolicySigner> _signers;

    /// <summary>Creates the set.</summary>
    /// <exception cref="ArgumentException">The set is empty, lists a signer twice, or the threshold is not in 1..n.</exception>
    public PolicySignerSet(IEnumerable<PolicySigner> signers, int threshold)
    {
        ArgumentNullException.ThrowIfNull(signers);
        _signers = [];
        foreach (PolicySigner signer in signers)
        {
            if (!_signers.Add(signer))
            {
                throw new ArgumentException($"The signer {signer} is listed twice.", nameof(signers));
            }
        }

        if (_signers.Count == 0)
        {
            throw new ArgumentException("At least one signer is required.", nameof(signers));
        }

        // Threshold 0 would accept unsigned documents; a threshold above n could never be met.
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, _signers.Count);
        Threshold = threshold;
    }

    /// <summary>The number of distinct configured signers whose valid signatures are required.</summary>
    public int Threshold { get; }

    /// <summary>The configured signers.</summary>
    public IReadOnlyCollection<PolicySigner> Signers => _signers;

    /// <summary>Whether <paramref name="signer"/> is configured.</summary>
    public bool Contains(PolicySigner signer) => _signers.Contains(signer);
}
