using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>The Go TEE registry's two questions: <c>ApplicationAllowed</c> and <c>IdentityAllowed</c> for an instance's operator.</summary>
public sealed partial class OnchainGovernance
{
    /// <summary>
    /// The Go registry's decision for one instance: <c>IdentityAllowed(identity, operator)</c> on the namespace's
    /// registry, asked for <paramref name="operator"/> (recovered from the instance's CSR; the zero address without one).
    /// A revert — the operator lacks ROLE_OPERATOR — is a definite refusal
    /// (<see cref="GovernanceDenialReason.NotOperator"/>, detail <c>execution reverted: …</c> as go-ethereum words it),
    /// not an outage. Answers are cached per identity and operator and dropped by the events that touch either.
    /// </summary>
    /// <exception cref="GovernanceUnavailableException">The chain cannot be read or is too stale.</exception>
    public async ValueTask<GovernanceDecision> CheckIdentityForOperatorAsync(string @namespace, WorkloadIdentity identity, EthereumAddress @operator, CancellationToken cancellationToken = default)
    {
        if (!TryGetNamespace(@namespace, out OnchainNamespace? config))
        {
            return Unknown(@namespace);
        }

        (OperatorAnswer answer, ulong block) = await ReadCachedAsync(
            new CacheKey(config.Registry, CacheKind.AllowedForOperator, identity + "/" + @operator.ToLowerHexString()),
            async (b, ct) =>
            {
                try
                {
                    return new OperatorAnswer(await _reader.IsIdentityAllowedForOperatorAsync(config.Registry, identity, @operator, b, ct).ConfigureAwait(false), null);
                }
                catch (Contracts.ContractRevertException ex)
                {
                    return new OperatorAnswer(false, "execution reverted" + (ex.Reason.Message is { } message ? ": " + message : string.Empty));
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (answer.Revert is { } revert)
        {
            return GovernanceDecision.Deny(GovernanceDenialReason.NotOperator, revert, block);
        }

        return answer.Allowed
            ? GovernanceDecision.Allow($"Identity {identity} is allowed by registry {config.Registry.ToLowerHexString()} for operator {@operator.ToLowerHexString()} at block {block}.", block)
            : GovernanceDecision.Deny(GovernanceDenialReason.IdentityNotAllowed, $"Identity {identity} is not allowed by registry {config.Registry.ToLowerHexString()} at block {block}.", block);
    }

    /// <summary>
    /// <c>ApplicationAllowed(registry)</c> on the namespace's KMS governance contract: whether this KMS serves the
    /// application at all. Cached for the block it was read at only, because the Go system's KMS.sol emits no event
    /// when the allowlist changes.
    /// </summary>
    /// <exception cref="GovernanceUnavailableException">The chain cannot be read or is too stale.</exception>
    public async ValueTask<GovernanceDecision> CheckApplicationAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        if (!TryGetNamespace(@namespace, out OnchainNamespace? config))
        {
            return Unknown(@namespace);
        }

        if (config.KmsGovernance is not { } kms)
        {
            return GovernanceDecision.Deny(GovernanceDenialReason.UnknownNamespace, "No KMS governance contract is configured, so no application is allowed.", 0);
        }

        (ulong current, _) = await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        (bool allowed, ulong block) = await ReadCachedAsync(
            new CacheKey(kms, CacheKind.Application, config.Registry.ToLowerHexString() + "@" + current.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (b, ct) => _reader.IsApplicationAllowedAsync(kms, config.Registry, b, ct),
            cancellationToken).ConfigureAwait(false);
        return allowed
            ? GovernanceDecision.Allow($"Application {config.Registry.ToLowerHexString()} is allowed by KMS governance {kms.ToLowerHexString()} at block {block}.", block)
            : GovernanceDecision.Deny(GovernanceDenialReason.IdentityNotAllowed, $"Application {config.Registry.ToLowerHexString()} is not allowed by KMS governance {kms.ToLowerHexString()} at block {block}.", block);
    }

    private sealed record OperatorAnswer(bool Allowed, string? Revert);
}
