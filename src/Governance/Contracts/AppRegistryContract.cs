using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Contracts;

/// <summary>
/// Typed binding of an application registry contract (ABI of the Go system's <c>OnchainRegistry.sol</c> plus this
/// project's additions): identity → config mapping, storage backends and content-addressed artifacts.
/// </summary>
public sealed class AppRegistryContract : GovernanceContract
{
    /// <summary>Creates a binding; pass a <paramref name="sender"/> to call state-changing methods.</summary>
    public AppRegistryContract(EthJsonRpcClient client, EthereumAddress address, TransactionSender? sender = null)
        : base(client, address, sender)
    {
    }

    /// <summary>keccak256("ROLE_METADATA").</summary>
    public static byte[] RoleMetadata { get; } = Keccak256.HashData("ROLE_METADATA"u8);

    /// <summary>keccak256("ROLE_INSTANCE").</summary>
    public static byte[] RoleInstance { get; } = Keccak256.HashData("ROLE_INSTANCE"u8);

    /// <summary><c>ConfigForIdentity(bytes32, address)</c>; reverts "Config not mapped" when there is none.</summary>
    public async Task<byte[]> GetConfigForIdentityAsync(byte[] identity, EthereumAddress @operator, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<ConfigForIdentityFunction, Bytes32Output>(new() { Identity = ContractValues.Fixed(identity, 32, nameof(identity)), Operator = @operator.ToLowerHexString() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>setConfigForDCAP(DCAPReport, DCAPEvent[], bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> SetConfigForDcapAsync(DcapReport report, IReadOnlyList<DcapEvent> eventLog, byte[] configHash, CancellationToken cancellationToken = default) =>
        SendAsync(new SetConfigForDcapFunction { Report = report.ToStruct(), EventLog = [.. eventLog.Select(e => e.ToStruct())], ConfigHash = ContractValues.Fixed(configHash, 32, nameof(configHash)) }, cancellationToken);

    /// <summary><c>setConfigForMAA(MAAReport, bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> SetConfigForMaaAsync(MaaReport report, byte[] configHash, CancellationToken cancellationToken = default) =>
        SendAsync(new SetConfigForMaaFunction { Report = report.ToStruct(), ConfigHash = ContractValues.Fixed(configHash, 32, nameof(configHash)) }, cancellationToken);

    /// <summary><c>setConfigForIdentity(bytes32, bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> SetConfigForIdentityAsync(byte[] identity, byte[] configHash, CancellationToken cancellationToken = default) =>
        SendAsync(new SetConfigForIdentityFunction { Identity = ContractValues.Fixed(identity, 32, nameof(identity)), ConfigHash = ContractValues.Fixed(configHash, 32, nameof(configHash)) }, cancellationToken);

    /// <summary><c>removeConfigMapForIdentity(bytes32)</c> (owner).</summary>
    public Task<TransactionReceipt> RemoveConfigMapForIdentityAsync(byte[] identity, CancellationToken cancellationToken = default) =>
        SendAsync(new RemoveConfigMapForIdentityFunction { Identity = ContractValues.Fixed(identity, 32, nameof(identity)) }, cancellationToken);

    /// <summary><c>setStorageBackend(string)</c> (owner; duplicates rejected).</summary>
    public Task<TransactionReceipt> SetStorageBackendAsync(string location, CancellationToken cancellationToken = default) =>
        SendAsync(new SetStorageBackendFunction { Location = location }, cancellationToken);

    /// <summary><c>removeStorageBackend(string)</c> (owner; absent locations rejected).</summary>
    public Task<TransactionReceipt> RemoveStorageBackendAsync(string location, CancellationToken cancellationToken = default) =>
        SendAsync(new RemoveStorageBackendFunction { Location = location }, cancellationToken);

    /// <summary><c>StorageBackends()</c>.</summary>
    public async Task<IReadOnlyList<string>> GetStorageBackendsAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<StorageBackendsFunction, StringArrayOutput>(new(), block, cancellationToken).ConfigureAwait(false)).Value.ToArray();

    /// <summary><c>addArtifact(bytes)</c> (ROLE_METADATA); returns sha256(data), the key it is stored under.</summary>
    public async Task<byte[]> AddArtifactAsync(byte[] data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        await SendAsync(new AddArtifactFunction { Data = data }, cancellationToken).ConfigureAwait(false);
        return SHA256.HashData(data);
    }

    /// <summary><c>getArtifact(bytes32)</c>; reverts "Artifact does not exist" when absent.</summary>
    public async Task<byte[]> GetArtifactAsync(byte[] artifactHash, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<GetArtifactFunction, BytesOutput>(new() { ArtifactHash = ContractValues.Fixed(artifactHash, 32, nameof(artifactHash)) }, block, cancellationToken).ConfigureAwait(false)).Value;
}
