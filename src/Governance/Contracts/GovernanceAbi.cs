using Kms.Governance.Abi;

namespace Kms.Governance.Contracts;

/// <summary>
/// The descriptor table of both governance contracts (KMS governance and application registry): every function,
/// event and error with its canonical signature. Selectors and topics are derived from these signatures.
/// </summary>
public static class GovernanceAbi
{
    private const string Dcap = "(bytes,bytes[4],bytes,bytes,bytes)";
    private const string DcapEvents = "(uint32,uint32,bytes,bytes32)[]";
    private const string Maa = "(bytes32[24])";
    private const string Pki = "(bytes,bytes,bytes)";
    private const string Onboard = "(bytes,int256,address,bytes)";

    // The field names are the Solidity names. Shared by both contracts:
    public static readonly AbiFunction SetPki = AbiFunction.Parse($"setPKI({Pki})");
    public static readonly AbiFunction GetPki = AbiFunction.Parse($"PKI() returns ({Pki})");
    public static readonly AbiFunction DcapIdentity = AbiFunction.Parse($"DCAPIdentity({Dcap},{DcapEvents}) returns (bytes32)");
    public static readonly AbiFunction MaaIdentity = AbiFunction.Parse($"MAAIdentity({Maa}) returns (bytes32)");
    public static readonly AbiFunction IdentityAllowed = AbiFunction.Parse("IdentityAllowed(bytes32,address) returns (bool)");
    public static readonly AbiFunction RegisterInstanceDomainName = AbiFunction.Parse("registerInstanceDomainName(string)");
    public static readonly AbiFunction RemoveInstanceDomainName = AbiFunction.Parse("removeInstanceDomainName(string)");
    public static readonly AbiFunction InstanceDomainNames = AbiFunction.Parse("InstanceDomainNames() returns (string[])");
    public static readonly AbiFunction RoleOperator = AbiFunction.Parse("ROLE_OPERATOR() returns (bytes32)");
    public static readonly AbiFunction HasRole = AbiFunction.Parse("hasRole(bytes32,address) returns (bool)");
    public static readonly AbiFunction GrantRole = AbiFunction.Parse("grantRole(bytes32,address)");
    public static readonly AbiFunction RevokeRole = AbiFunction.Parse("revokeRole(bytes32,address)");
    public static readonly AbiFunction Owner = AbiFunction.Parse("owner() returns (address)");
    public static readonly AbiFunction TransferOwnership = AbiFunction.Parse("transferOwnership(address)");
    public static readonly AbiFunction RenounceOwnership = AbiFunction.Parse("renounceOwnership()");
    public static readonly AbiFunction RenounceRole = AbiFunction.Parse("renounceRole(bytes32,address)");
    public static readonly AbiFunction GetRoleAdmin = AbiFunction.Parse("getRoleAdmin(bytes32) returns (bytes32)");
    public static readonly AbiFunction DefaultAdminRole = AbiFunction.Parse("DEFAULT_ADMIN_ROLE() returns (bytes32)");
    public static readonly AbiFunction SupportsInterface = AbiFunction.Parse("supportsInterface(bytes4) returns (bool)");
    public static readonly AbiFunction MaxBytesSize = AbiFunction.Parse("MAX_BYTES_SIZE() returns (uint256)");
    public static readonly AbiFunction MaxDomainNames = AbiFunction.Parse("MAX_DOMAIN_NAMES() returns (uint256)");
    public static readonly AbiFunction MaxDomainNameLength = AbiFunction.Parse("MAX_DOMAIN_NAME_LENGTH() returns (uint256)");

    // KMS governance.
    public static readonly AbiFunction AllowlistDcap = AbiFunction.Parse($"allowlistDCAP({Dcap}) returns (bytes32)");
    public static readonly AbiFunction AllowlistMaa = AbiFunction.Parse($"allowlistMAA({Maa}) returns (bytes32)");
    public static readonly AbiFunction AllowlistIdentity = AbiFunction.Parse("allowlistIdentity(bytes32)");
    public static readonly AbiFunction RemoveAllowlistedIdentity = AbiFunction.Parse("removeAllowlistedIdentity(bytes32)");
    public static readonly AbiFunction HashOnboardRequest = AbiFunction.Parse($"HashOnboardRequest({Onboard}) returns (bytes32)");
    public static readonly AbiFunction RequestOnboard = AbiFunction.Parse($"requestOnboard({Onboard}) returns (bytes32)");
    public static readonly AbiFunction FetchOnboardRequest = AbiFunction.Parse($"fetchOnboardRequest(bytes32) returns ({Onboard})");
    public static readonly AbiFunction OnboardRequests = AbiFunction.Parse("onboardRequests(bytes32) returns (bytes,int256,address,bytes)");
    public static readonly AbiFunction ApplicationAllowed = AbiFunction.Parse("ApplicationAllowed(address) returns (bool)");
    public static readonly AbiFunction AllowApplication = AbiFunction.Parse("AllowApplication(address)");
    public static readonly AbiFunction RemoveAllowlistedApplication = AbiFunction.Parse("RemoveAllowlistedApplication(address)");
    public static readonly AbiFunction AllowedApplications = AbiFunction.Parse("AllowedApplications() returns (address[])");
    public static readonly AbiFunction MaxApplications = AbiFunction.Parse("MAX_APPLICATIONS() returns (uint256)");

    // Application registry.
    public static readonly AbiFunction ConfigForIdentity = AbiFunction.Parse("ConfigForIdentity(bytes32,address) returns (bytes32)");
    public static readonly AbiFunction SetConfigForDcap = AbiFunction.Parse($"setConfigForDCAP({Dcap},{DcapEvents},bytes32)");
    public static readonly AbiFunction SetConfigForMaa = AbiFunction.Parse($"setConfigForMAA({Maa},bytes32)");
    public static readonly AbiFunction SetConfigForIdentity = AbiFunction.Parse("setConfigForIdentity(bytes32,bytes32)");
    public static readonly AbiFunction RemoveConfigMapForIdentity = AbiFunction.Parse("removeConfigMapForIdentity(bytes32)");
    public static readonly AbiFunction SetStorageBackend = AbiFunction.Parse("setStorageBackend(string)");
    public static readonly AbiFunction RemoveStorageBackend = AbiFunction.Parse("removeStorageBackend(string)");
    public static readonly AbiFunction StorageBackends = AbiFunction.Parse("StorageBackends() returns (string[])");
    public static readonly AbiFunction AddArtifact = AbiFunction.Parse("addArtifact(bytes) returns (bytes32)");
    public static readonly AbiFunction GetArtifact = AbiFunction.Parse("getArtifact(bytes32) returns (bytes)");
    public static readonly AbiFunction RoleMetadata = AbiFunction.Parse("ROLE_METADATA() returns (bytes32)");
    public static readonly AbiFunction RoleInstance = AbiFunction.Parse("ROLE_INSTANCE() returns (bytes32)");
    public static readonly AbiFunction MaxStorageBackends = AbiFunction.Parse("MAX_STORAGE_BACKENDS() returns (uint256)");
    public static readonly AbiFunction MaxStorageBackendLength = AbiFunction.Parse("MAX_STORAGE_BACKEND_LENGTH() returns (uint256)");

    // Events (none of the original parameters are indexed; OpenZeppelin's are).
    public static readonly AbiEvent PkiUpdatedEvent = AbiEvent.Parse($"PKIUpdated(address,{Pki})");
    public static readonly AbiEvent InstanceDomainRegisteredEvent = AbiEvent.Parse("InstanceDomainRegistered(string,address)");
    public static readonly AbiEvent InstanceDomainRemovedEvent = AbiEvent.Parse("InstanceDomainRemoved(string,address)");
    public static readonly AbiEvent IdentityAllowlistedEvent = AbiEvent.Parse("IdentityAllowlisted(bytes32,address)");
    public static readonly AbiEvent IdentityRemovedEvent = AbiEvent.Parse("IdentityRemoved(bytes32,address)");
    public static readonly AbiEvent ApplicationAllowlistedEvent = AbiEvent.Parse("ApplicationAllowlisted(address,address)");
    public static readonly AbiEvent ApplicationRemovedEvent = AbiEvent.Parse("ApplicationRemoved(address,address)");
    public static readonly AbiEvent OnboardRequestedEvent = AbiEvent.Parse("OnboardRequested(bytes32,address)");
    public static readonly AbiEvent IdentityConfigSetEvent = AbiEvent.Parse("IdentityConfigSet(bytes32,bytes32,address)");
    public static readonly AbiEvent IdentityConfigRemovedEvent = AbiEvent.Parse("IdentityConfigRemoved(bytes32,address)");
    public static readonly AbiEvent StorageBackendSetEvent = AbiEvent.Parse("StorageBackendSet(string,address)");
    public static readonly AbiEvent StorageBackendRemovedEvent = AbiEvent.Parse("StorageBackendRemoved(string,address)");
    public static readonly AbiEvent ArtifactAddedEvent = AbiEvent.Parse("ArtifactAdded(bytes32,address)");
    public static readonly AbiEvent RoleGrantedEvent = AbiEvent.Parse("RoleGranted(bytes32 indexed,address indexed,address indexed)");
    public static readonly AbiEvent RoleRevokedEvent = AbiEvent.Parse("RoleRevoked(bytes32 indexed,address indexed,address indexed)");
    public static readonly AbiEvent RoleAdminChangedEvent = AbiEvent.Parse("RoleAdminChanged(bytes32 indexed,bytes32 indexed,bytes32 indexed)");
    public static readonly AbiEvent OwnershipTransferredEvent = AbiEvent.Parse("OwnershipTransferred(address indexed,address indexed)");

    /// <summary>Custom errors of the contracts and of OpenZeppelin's AccessControl/Ownable.</summary>
    public static IReadOnlyList<AbiError> Errors { get; } =
    [
        AbiError.Parse("AlreadyRegistered()"),
        AbiError.Parse("NotRegistered()"),
        AbiError.Parse("BytesTooLarge(uint256,uint256)"),
        AbiError.Parse("InvalidLength(uint256)"),
        AbiError.Parse("InvalidMeasurementLength(uint256)"),
        AbiError.Parse("InvalidNonce()"),
        AbiError.Parse("LimitReached(uint256)"),
        AbiError.Parse("ZeroConfigHash()"),
        AbiError.Parse("AccessControlUnauthorizedAccount(address,bytes32)"),
        AbiError.Parse("AccessControlBadConfirmation()"),
        AbiError.Parse("OwnableUnauthorizedAccount(address)"),
        AbiError.Parse("OwnableInvalidOwner(address)"),
    ];

    /// <summary>Every function descriptor of this table.</summary>
    public static IReadOnlyList<AbiFunction> Functions { get; } = typeof(GovernanceAbi).GetFields()
        .Where(f => f.FieldType == typeof(AbiFunction)).Select(f => (AbiFunction)f.GetValue(null)!).ToArray();

    /// <summary>Every event descriptor of this table.</summary>
    public static IReadOnlyList<AbiEvent> Events { get; } = typeof(GovernanceAbi).GetFields()
        .Where(f => f.FieldType == typeof(AbiEvent)).Select(f => (AbiEvent)f.GetValue(null)!).ToArray();
}
