using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Onboarding;

/// <summary>
/// Onboarding approval by the KMS governance contract: an operator's <c>requestOnboard</c> record that names the
/// request (its <c>attestation</c> is the KMS request hash, or the silo's evidence exactly as submitted), read at
/// <c>latest − Confirmations</c>, and the contract's <c>IdentityAllowed(identity, operator)</c> for the joining silo's
/// DCAP/MAA identity under the KMS contract's address (the Go system's onboarding check, §1.6). A chain that cannot be
/// read approves nothing.
/// </summary>
internal sealed class OnchainOnboardingApprovals(OnchainGovernanceDirectory chain, IOptions<KmsGrainOptions> options)
{
    private readonly GovernanceChainOptions _options = options.Value.Governance;

    /// <summary>Checks the onchain record <paramref name="onchainRequestHash"/> approves the request.</summary>
    /// <returns>The operator who requested the onboarding onchain.</returns>
    /// <exception cref="KmsException">No KMS contract or node is configured, or the chain cannot be read
    /// (<see cref="KmsErrorKind.Unavailable"/>); the record is missing, names another request, or the identity is not
    /// allowed for its operator (<see cref="KmsErrorKind.PolicyDenied"/>); the hash is malformed (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public async Task<EthereumAddress> ApproveAsync(
        byte[] onchainRequestHash, string requestHash, byte[]? evidenceHash, VerifiedWorkload verdict, CancellationToken cancellationToken)
    {
        if (onchainRequestHash is not { Length: 32 })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The onchain onboarding request hash is 32 bytes (0x + 64 hex).");
        }

        if (!EthereumAddress.TryParse(_options.KmsContract, out EthereumAddress kmsAddress))
        {
            throw new KmsException(KmsErrorKind.Unavailable, "This silo has no KMS governance contract configured (Silo:Grains:Governance:KmsContract): onboarding is approved by the admins.");
        }

        var contract = new KmsGovernanceContract(chain.Rpc, kmsAddress);
        try
        {
            ulong head = await chain.Rpc.GetBlockNumberAsync(cancellationToken);
            BlockTag block = BlockTag.Number(head - Math.Min(head, (ulong)_options.Confirmations));
            OnboardRequest record = await contract.FetchOnboardRequestAsync(onchainRequestHash, block, cancellationToken);
            if (record.IsEmpty)
            {
                throw new KmsException(KmsErrorKind.PolicyDenied, $"The KMS contract holds no onboarding request 0x{Convert.ToHexStringLower(onchainRequestHash)} ({_options.Confirmations} confirmations required).");
            }

            if (!NamesRequest(record.Attestation, requestHash, evidenceHash))
            {
                throw new KmsException(KmsErrorKind.PolicyDenied, "The onchain onboarding request names another request: its attestation is neither this request's hash nor its evidence.");
            }

            string identity = ContractIdentity.Compute(verdict, kmsAddress);
            bool allowed;
            try
            {
                allowed = await contract.IsIdentityAllowedAsync(Convert.FromHexString(identity), record.Operator, block, cancellationToken);
            }
            catch (ContractRevertException revert)
            {
                throw new KmsException(KmsErrorKind.PolicyDenied, $"The KMS contract refused operator {record.Operator.ToLowerHexString()}: {revert.Reason.Message}");
            }

            return allowed
                ? record.Operator
                : throw new KmsException(KmsErrorKind.PolicyDenied, $"Identity {identity} of the joining silo is not allowlisted in the KMS contract for operator {record.Operator.ToLowerHexString()}.");
        }
        catch (Exception exception) when (exception is JsonRpcException or JsonRpcTransportException or HttpRequestException or AbiDecodingException or ContractRevertException
            or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"The KMS governance contract cannot be read ({exception.GetType().Name}); nothing is approved.");
        }
    }

    private static bool NamesRequest(byte[] attestation, string requestHash, byte[]? evidenceHash)
    {
        if (attestation.Length == 32)
        {
            return CryptographicOperations.FixedTimeEquals(attestation, Convert.FromHexString(requestHash));
        }

        return evidenceHash is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(attestation), evidenceHash);
    }
}
