using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Contracts;

/// <summary>
/// Typed binding of the KMS governance contract (ABI of the Go system's <c>KMS.sol</c> plus this project's additions):
/// identities allowed to run the KMS, applications it serves, and onboarding requests.
/// </summary>
public sealed class KmsGovernanceContract : GovernanceContract
{
    /// <summary>Creates a binding; pass a <paramref name="sender"/> to call state-changing methods.</summary>
    public KmsGovernanceContract(EthJsonRpcClient client, EthereumAddress address, TransactionSender? sender = null)
        : base(client, address, sender)
    {
    }

    /// <summary>keccak256("ROLE_OPERATOR").</summary>
    public static byte[] RoleOperator { get; } = Keccak256.HashData("ROLE_OPERATOR"u8);

    /// <summary><c>allowlistDCAP(DCAPReport)</c> (owner).</summary>
    public Task<TransactionReceipt> AllowlistDcapAsync(DcapReport report, CancellationToken cancellationToken = default) =>
        SendAsync(new AllowlistDcapFunction { Report = report.ToStruct() }, cancellationToken);

    /// <summary><c>allowlistMAA(MAAReport)</c> (owner).</summary>
    public Task<TransactionReceipt> AllowlistMaaAsync(MaaReport report, CancellationToken cancellationToken = default) =>
        SendAsync(new AllowlistMaaFunction { Report = report.ToStruct() }, cancellationToken);

    /// <summary><c>allowlistIdentity(bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> AllowlistIdentityAsync(byte[] identity, CancellationToken cancellationToken = default) =>
        SendAsync(new AllowlistIdentityFunction { Identity = ContractValues.Fixed(identity, 32, nameof(identity)) }, cancellationToken);

    /// <summary><c>removeAllowlistedIdentity(bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> RemoveAllowlistedIdentityAsync(byte[] identity, CancellationToken cancellationToken = default) =>
        SendAsync(new RemoveAllowlistedIdentityFunction { Identity = ContractValues.Fixed(identity, 32, nameof(identity)) }, cancellationToken);

    /// <summary><c>HashOnboardRequest(OnboardRequest)</c> evaluated by the contract.</summary>
    public async Task<byte[]> HashOnboardRequestAsync(OnboardRequest request, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<HashOnboardRequestFunction, Bytes32Output>(new() { Request = request.ToStruct() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>requestOnboard(OnboardRequest)</c> (ROLE_OPERATOR; the request's operator must be the sender).</summary>
    public Task<TransactionReceipt> RequestOnboardAsync(OnboardRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(new RequestOnboardFunction { Request = request.ToStruct() }, cancellationToken);

    /// <summary><c>fetchOnboardRequest(bytes32)</c>; an unknown hash yields a request with <see cref="OnboardRequest.IsEmpty"/>.</summary>
    public async Task<OnboardRequest> FetchOnboardRequestAsync(byte[] requestHash, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        OnboardRequest.FromStruct((await CallAsync<FetchOnboardRequestFunction, OnboardRequestOutput>(new() { RequestHash = ContractValues.Fixed(requestHash, 32, nameof(requestHash)) }, block, cancellationToken).ConfigureAwait(false)).Value);

    /// <summary>The public getter <c>onboardRequests(bytes32)</c> (same data as <see cref="FetchOnboardRequestAsync"/>, flat outputs).</summary>
    public async Task<OnboardRequest> GetOnboardRequestAsync(byte[] requestHash, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        FromFields(await CallAsync<OnboardRequestsFunction, OnboardRequestFieldsOutput>(new() { RequestHash = ContractValues.Fixed(requestHash, 32, nameof(requestHash)) }, block, cancellationToken).ConfigureAwait(false));

    /// <summary><c>ApplicationAllowed(address)</c>.</summary>
    public async Task<bool> IsApplicationAllowedAsync(EthereumAddress application, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<ApplicationAllowedFunction, BoolOutput>(new() { Application = application.ToLowerHexString() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>AllowApplication(address)</c> (owner; duplicates rejected).</summary>
    public Task<TransactionReceipt> AllowApplicationAsync(EthereumAddress application, CancellationToken cancellationToken = default) =>
        SendAsync(new AllowApplicationFunction { Application = application.ToLowerHexString() }, cancellationToken);

    /// <summary><c>RemoveAllowlistedApplication(address)</c> (owner).</summary>
    public Task<TransactionReceipt> RemoveAllowlistedApplicationAsync(EthereumAddress application, CancellationToken cancellationToken = default) =>
        SendAsync(new RemoveAllowlistedApplicationFunction { Application = application.ToLowerHexString() }, cancellationToken);

    /// <summary><c>AllowedApplications()</c> (added by this project).</summary>
    public async Task<IReadOnlyList<EthereumAddress>> GetAllowedApplicationsAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<AllowedApplicationsFunction, AddressArrayOutput>(new(), block, cancellationToken).ConfigureAwait(false)).Value.Select(ContractValues.Address).ToArray();

    private static OnboardRequest FromFields(OnboardRequestFieldsOutput fields) =>
        new(fields.Pubkey, fields.Nonce, ContractValues.Address(fields.Operator), fields.Attestation);
}
