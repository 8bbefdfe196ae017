using Kms.Crypto.Ethereum;
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
        SendAsync(GovernanceAbi.AllowlistDcap, [report.ToAbi()], cancellationToken);

    /// <summary><c>allowlistMAA(MAAReport)</c> (owner).</summary>
    public Task<TransactionReceipt> AllowlistMaaAsync(MaaReport report, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.AllowlistMaa, [report.ToAbi()], cancellationToken);

    /// <summary><c>allowlistIdentity(bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> AllowlistIdentityAsync(byte[] identity, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.AllowlistIdentity, [identity], cancellationToken);

    /// <summary><c>removeAllowlistedIdentity(bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> RemoveAllowlistedIdentityAsync(byte[] identity, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RemoveAllowlistedIdentity, [identity], cancellationToken);

    /// <summary><c>HashOnboardRequest(OnboardRequest)</c> evaluated by the contract.</summary>
    public async Task<byte[]> HashOnboardRequestAsync(OnboardRequest request, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (byte[])(await CallAsync(GovernanceAbi.HashOnboardRequest, [request.ToAbi()], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>requestOnboard(OnboardRequest)</c> (ROLE_OPERATOR; the request's operator must be the sender).</summary>
    public Task<TransactionReceipt> RequestOnboardAsync(OnboardRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RequestOnboard, [request.ToAbi()], cancellationToken);

    /// <summary><c>fetchOnboardRequest(bytes32)</c>; an unknown hash yields a request with <see cref="OnboardRequest.IsEmpty"/>.</summary>
    public async Task<OnboardRequest> FetchOnboardRequestAsync(byte[] requestHash, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        OnboardRequest.FromAbi((await CallAsync(GovernanceAbi.FetchOnboardRequest, [requestHash], block, cancellationToken).ConfigureAwait(false))[0]);

    /// <summary>The public getter <c>onboardRequests(bytes32)</c> (same data as <see cref="FetchOnboardRequestAsync"/>, flat outputs).</summary>
    public async Task<OnboardRequest> GetOnboardRequestAsync(byte[] requestHash, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        OnboardRequest.FromAbi(await CallAsync(GovernanceAbi.OnboardRequests, [requestHash], block, cancellationToken).ConfigureAwait(false));

    /// <summary><c>ApplicationAllowed(address)</c>.</summary>
    public async Task<bool> IsApplicationAllowedAsync(EthereumAddress application, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (bool)(await CallAsync(GovernanceAbi.ApplicationAllowed, [application], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>AllowApplication(address)</c> (owner; duplicates rejected).</summary>
    public Task<TransactionReceipt> AllowApplicationAsync(EthereumAddress application, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.AllowApplication, [application], cancellationToken);

    /// <summary><c>RemoveAllowlistedApplication(address)</c> (owner).</summary>
    public Task<TransactionReceipt> RemoveAllowlistedApplicationAsync(EthereumAddress application, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RemoveAllowlistedApplication, [application], cancellationToken);

    /// <summary><c>AllowedApplications()</c> (added by this project).</summary>
    public async Task<IReadOnlyList<EthereumAddress>> GetAllowedApplicationsAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        ((object?[])(await CallAsync(GovernanceAbi.AllowedApplications, [], block, cancellationToken).ConfigureAwait(false))[0]!).Cast<EthereumAddress>().ToArray();
}
