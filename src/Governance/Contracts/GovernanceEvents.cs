using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.JsonRpc;

namespace Kms.Governance.Contracts;

/// <summary>A decoded event of a governance contract; <see cref="Log"/> is the log it came from.</summary>
public abstract record GovernanceEvent(EthLog Log)
{
    private static readonly Dictionary<string, (AbiEvent Event, Func<EthLog, object?[], GovernanceEvent> Create)> s_decoders = new()
    {
        [Key(GovernanceAbi.PkiUpdatedEvent)] = (GovernanceAbi.PkiUpdatedEvent, (l, a) => new PkiUpdated(l, (EthereumAddress)a[0]!, AppPki.FromAbi(a[1]))),
        [Key(GovernanceAbi.InstanceDomainRegisteredEvent)] = (GovernanceAbi.InstanceDomainRegisteredEvent, (l, a) => new InstanceDomainRegistered(l, (string)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.InstanceDomainRemovedEvent)] = (GovernanceAbi.InstanceDomainRemovedEvent, (l, a) => new InstanceDomainRemoved(l, (string)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.IdentityAllowlistedEvent)] = (GovernanceAbi.IdentityAllowlistedEvent, (l, a) => new IdentityAllowlisted(l, (byte[])a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.IdentityRemovedEvent)] = (GovernanceAbi.IdentityRemovedEvent, (l, a) => new IdentityRemoved(l, (byte[])a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.ApplicationAllowlistedEvent)] = (GovernanceAbi.ApplicationAllowlistedEvent, (l, a) => new ApplicationAllowlisted(l, (EthereumAddress)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.ApplicationRemovedEvent)] = (GovernanceAbi.ApplicationRemovedEvent, (l, a) => new ApplicationRemoved(l, (EthereumAddress)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.OnboardRequestedEvent)] = (GovernanceAbi.OnboardRequestedEvent, (l, a) => new OnboardRequested(l, (byte[])a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.IdentityConfigSetEvent)] = (GovernanceAbi.IdentityConfigSetEvent, (l, a) => new IdentityConfigSet(l, (byte[])a[0]!, (byte[])a[1]!, (EthereumAddress)a[2]!)),
        [Key(GovernanceAbi.IdentityConfigRemovedEvent)] = (GovernanceAbi.IdentityConfigRemovedEvent, (l, a) => new IdentityConfigRemoved(l, (byte[])a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.StorageBackendSetEvent)] = (GovernanceAbi.StorageBackendSetEvent, (l, a) => new StorageBackendSet(l, (string)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.StorageBackendRemovedEvent)] = (GovernanceAbi.StorageBackendRemovedEvent, (l, a) => new StorageBackendRemoved(l, (string)a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.ArtifactAddedEvent)] = (GovernanceAbi.ArtifactAddedEvent, (l, a) => new ArtifactAdded(l, (byte[])a[0]!, (EthereumAddress)a[1]!)),
        [Key(GovernanceAbi.RoleGrantedEvent)] = (GovernanceAbi.RoleGrantedEvent, (l, a) => new RoleGranted(l, (byte[])a[0]!, (EthereumAddress)a[1]!, (EthereumAddress)a[2]!)),
        [Key(GovernanceAbi.RoleRevokedEvent)] = (GovernanceAbi.RoleRevokedEvent, (l, a) => new RoleRevoked(l, (byte[])a[0]!, (EthereumAddress)a[1]!, (EthereumAddress)a[2]!)),
        [Key(GovernanceAbi.RoleAdminChangedEvent)] = (GovernanceAbi.RoleAdminChangedEvent, (l, a) => new RoleAdminChanged(l, (byte[])a[0]!, (byte[])a[1]!, (byte[])a[2]!)),
        [Key(GovernanceAbi.OwnershipTransferredEvent)] = (GovernanceAbi.OwnershipTransferredEvent, (l, a) => new OwnershipTransferred(l, (EthereumAddress)a[0]!, (EthereumAddress)a[1]!)),
    };

    /// <summary>
    /// Decodes a log into its typed event; null when topic0 is not a governance event.
    /// </summary>
    /// <exception cref="AbiDecodingException">The topic is known but the log data or topics are malformed.</exception>
    public static GovernanceEvent? TryDecode(EthLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Topics.Count == 0 || !s_decoders.TryGetValue(Convert.ToHexStringLower(log.Topics[0]), out var decoder))
        {
            return null;
        }

        return decoder.Create(log, decoder.Event.Decode(log.Topics, log.Data));
    }

    private static string Key(AbiEvent abiEvent) => Convert.ToHexStringLower(abiEvent.Topic);
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
