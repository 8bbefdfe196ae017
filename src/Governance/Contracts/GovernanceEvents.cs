using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Kms.Governance.Contracts;

/// <summary>A decoded event of a governance contract; <see cref="Log"/> is the log it came from.</summary>
public abstract record GovernanceEvent(EthLog Log)
{
    // Event data is bounded by the JSON-RPC response cap already; this only keeps one log from using all of it.
    private const int MaxLogDataBytes = 1024 * 1024;

    private static readonly Dictionary<string, Func<EthLog, GovernanceEvent>> s_decoders = new KeyValuePair<string, Func<EthLog, GovernanceEvent>>[]
    {
        On<PkiUpdatedEventDto>((l, e) => new PkiUpdated(l, A(e.Updater), AppPki.FromStruct(e.Pki))),
        On<InstanceDomainRegisteredEventDto>((l, e) => new InstanceDomainRegistered(l, e.Domain, A(e.Registrar))),
        On<InstanceDomainRemovedEventDto>((l, e) => new InstanceDomainRemoved(l, e.Domain, A(e.Remover))),
        On<IdentityAllowlistedEventDto>((l, e) => new IdentityAllowlisted(l, e.Identity, A(e.Owner))),
        On<IdentityRemovedEventDto>((l, e) => new IdentityRemoved(l, e.Identity, A(e.Owner))),
        On<ApplicationAllowlistedEventDto>((l, e) => new ApplicationAllowlisted(l, A(e.Application), A(e.Owner))),
        On<ApplicationRemovedEventDto>((l, e) => new ApplicationRemoved(l, A(e.Application), A(e.Owner))),
        On<OnboardRequestedEventDto>((l, e) => new OnboardRequested(l, e.RequestHash, A(e.Operator))),
        On<IdentityConfigSetEventDto>((l, e) => new IdentityConfigSet(l, e.Identity, e.ConfigHash, A(e.Setter))),
        On<IdentityConfigRemovedEventDto>((l, e) => new IdentityConfigRemoved(l, e.Identity, A(e.Remover))),
        On<StorageBackendSetEventDto>((l, e) => new StorageBackendSet(l, e.Location, A(e.Setter))),
        On<StorageBackendRemovedEventDto>((l, e) => new StorageBackendRemoved(l, e.Location, A(e.Remover))),
        On<ArtifactAddedEventDto>((l, e) => new ArtifactAdded(l, e.ArtifactHash, A(e.Adder))),
        On<RoleGrantedEventDto>((l, e) => new RoleGranted(l, e.Role, A(e.Account), A(e.Sender))),
        On<RoleRevokedEventDto>((l, e) => new RoleRevoked(l, e.Role, A(e.Account), A(e.Sender))),
        On<RoleAdminChangedEventDto>((l, e) => new RoleAdminChanged(l, e.Role, e.PreviousAdminRole, e.NewAdminRole)),
        On<OwnershipTransferredEventDto>((l, e) => new OwnershipTransferred(l, A(e.PreviousOwner), A(e.NewOwner))),
    }.ToDictionary();

    /// <summary>
    /// Decodes a log into its typed event (Nethereum event DTOs behind a strict, bounded guard); null when topic0 is
    /// not a governance event.
    /// </summary>
    /// <exception cref="AbiDecodingException">The topic is known but the log data or topics are malformed.</exception>
    public static GovernanceEvent? TryDecode(EthLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Topics.Count == 0 || !s_decoders.TryGetValue(Convert.ToHexStringLower(log.Topics[0]), out var decode))
        {
            return null;
        }

        return decode(log);
    }

    private static KeyValuePair<string, Func<EthLog, GovernanceEvent>> On<TEvent>(Func<EthLog, TEvent, GovernanceEvent> create)
        where TEvent : class, IEventDTO, new() =>
        new(Convert.ToHexStringLower(GuardedEventDecoder<TEvent>.Descriptor.Topic), log => create(log, GuardedEventDecoder<TEvent>.Decode(log, MaxLogDataBytes)));

    private static EthereumAddress A(string address) => ContractValues.Address(address);
}

/// <summary><c>PKIUpdated(address,(bytes,bytes,bytes))</c>.</summary>
public sealed record PkiUpdated(EthLog Log, EthereumAddress Updater, AppPki Pki) : GovernanceEvent(Log);

/// <summary><c>InstanceDomainRegistered(string,address)</c>.</summary>
public sealed record InstanceDomainRegistered(EthLog Log, string Domain, EthereumAddress Registrar) : GovernanceEvent(Log);

/// <summary><c>InstanceDomainRemoved(string,address)</c> (added by this project).</summary>
public sealed record InstanceDomainRemoved(EthLog Log, string Domain, EthereumAddress Remover) : GovernanceEvent(Log);

/// <summary><c>IdentityAllowlisted(bytes32,address)</c>.</summary>
public sealed record IdentityAllowlisted(EthLog Log, byte[] Identity, EthereumAddress Owner) : GovernanceEvent(Log);

/// <summary><c>IdentityRemoved(bytes32,address)</c> (added by this project).</summary>
public sealed record IdentityRemoved(EthLog Log, byte[] Identity, EthereumAddress Owner) : GovernanceEvent(Log);

/// <summary><c>ApplicationAllowlisted(address,address)</c> (added by this project).</summary>
public sealed record ApplicationAllowlisted(EthLog Log, EthereumAddress Application, EthereumAddress Owner) : GovernanceEvent(Log);

/// <summary><c>ApplicationRemoved(address,address)</c> (added by this project).</summary>
public sealed record ApplicationRemoved(EthLog Log, EthereumAddress Application, EthereumAddress Owner) : GovernanceEvent(Log);

/// <summary><c>OnboardRequested(bytes32,address)</c> (added by this project).</summary>
public sealed record OnboardRequested(EthLog Log, byte[] RequestHash, EthereumAddress Operator) : GovernanceEvent(Log);

/// <summary><c>IdentityConfigSet(bytes32,bytes32,address)</c>.</summary>
public sealed record IdentityConfigSet(EthLog Log, byte[] Identity, byte[] ConfigHash, EthereumAddress Setter) : GovernanceEvent(Log);

/// <summary><c>IdentityConfigRemoved(bytes32,address)</c> (added by this project).</summary>
public sealed record IdentityConfigRemoved(EthLog Log, byte[] Identity, EthereumAddress Remover) : GovernanceEvent(Log);

/// <summary><c>StorageBackendSet(string,address)</c>.</summary>
public sealed record StorageBackendSet(EthLog Log, string Location, EthereumAddress Setter) : GovernanceEvent(Log);

/// <summary><c>StorageBackendRemoved(string,address)</c>.</summary>
public sealed record StorageBackendRemoved(EthLog Log, string Location, EthereumAddress Remover) : GovernanceEvent(Log);

/// <summary><c>ArtifactAdded(bytes32,address)</c>.</summary>
public sealed record ArtifactAdded(EthLog Log, byte[] ArtifactHash, EthereumAddress Adder) : GovernanceEvent(Log);

/// <summary>OpenZeppelin <c>RoleGranted(bytes32 indexed,address indexed,address indexed)</c>.</summary>
public sealed record RoleGranted(EthLog Log, byte[] Role, EthereumAddress Account, EthereumAddress Sender) : GovernanceEvent(Log);

/// <summary>OpenZeppelin <c>RoleRevoked(bytes32 indexed,address indexed,address indexed)</c>.</summary>
public sealed record RoleRevoked(EthLog Log, byte[] Role, EthereumAddress Account, EthereumAddress Sender) : GovernanceEvent(Log);

/// <summary>OpenZeppelin <c>RoleAdminChanged(bytes32 indexed,bytes32 indexed,bytes32 indexed)</c>.</summary>
public sealed record RoleAdminChanged(EthLog Log, byte[] Role, byte[] PreviousAdminRole, byte[] NewAdminRole) : GovernanceEvent(Log);

/// <summary>OpenZeppelin <c>OwnershipTransferred(address indexed,address indexed)</c>.</summary>
public sealed record OwnershipTransferred(EthLog Log, EthereumAddress PreviousOwner, EthereumAddress NewOwner) : GovernanceEvent(Log);
