using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Kms.Governance.Contracts.Messages;

// Functions both governance contracts have (the shared base of KMS.sol and OnchainRegistry.sol, and OpenZeppelin's
// AccessControl/Ownable). Nethereum encodes their call data; the selectors are checked against GovernanceAbi and
// the compiled contracts' ABI by the tests.

[Function("setPKI")]
internal sealed class SetPkiFunction : FunctionMessage
{
    [Parameter("tuple", "pki", 1)]
    public AppPkiStruct Pki { get; set; } = new();
}

[Function("PKI", typeof(AppPkiOutput))]
internal sealed class PkiFunction : FunctionMessage;

[Function("DCAPIdentity", typeof(Bytes32Output))]
internal sealed class DcapIdentityFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public DcapReportStruct Report { get; set; } = new();

    [Parameter("tuple[]", "eventLog", 2)]
    public List<DcapEventStruct> EventLog { get; set; } = [];
}

[Function("MAAIdentity", typeof(Bytes32Output))]
internal sealed class MaaIdentityFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public MaaReportStruct Report { get; set; } = new();
}

[Function("IdentityAllowed", typeof(BoolOutput))]
internal sealed class IdentityAllowedFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];

    [Parameter("address", "operator", 2)]
    public string Operator { get; set; } = string.Empty;
}

[Function("registerInstanceDomainName")]
internal sealed class RegisterInstanceDomainNameFunction : FunctionMessage
{
    [Parameter("string", "domain", 1)]
    public string Domain { get; set; } = string.Empty;
}

[Function("removeInstanceDomainName")]
internal sealed class RemoveInstanceDomainNameFunction : FunctionMessage
{
    [Parameter("string", "domain", 1)]
    public string Domain { get; set; } = string.Empty;
}

[Function("InstanceDomainNames", typeof(StringArrayOutput))]
internal sealed class InstanceDomainNamesFunction : FunctionMessage;

[Function("hasRole", typeof(BoolOutput))]
internal sealed class HasRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = string.Empty;
}

[Function("grantRole")]
internal sealed class GrantRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = string.Empty;
}

[Function("revokeRole")]
internal sealed class RevokeRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = string.Empty;
}

[Function("renounceRole")]
internal sealed class RenounceRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "callerConfirmation", 2)]
    public string CallerConfirmation { get; set; } = string.Empty;
}

[Function("getRoleAdmin", typeof(Bytes32Output))]
internal sealed class GetRoleAdminFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];
}

[Function("owner", typeof(AddressOutput))]
internal sealed class OwnerFunction : FunctionMessage;

[Function("transferOwnership")]
internal sealed class TransferOwnershipFunction : FunctionMessage
{
    [Parameter("address", "newOwner", 1)]
    public string NewOwner { get; set; } = string.Empty;
}

[Function("renounceOwnership")]
internal sealed class RenounceOwnershipFunction : FunctionMessage;

[Function("supportsInterface", typeof(BoolOutput))]
internal sealed class SupportsInterfaceFunction : FunctionMessage
{
    [Parameter("bytes4", "interfaceId", 1)]
    public byte[] InterfaceId { get; set; } = [];
}

[Function("ROLE_OPERATOR", typeof(Bytes32Output))]
internal sealed class RoleOperatorFunction : FunctionMessage;

[Function("DEFAULT_ADMIN_ROLE", typeof(Bytes32Output))]
internal sealed class DefaultAdminRoleFunction : FunctionMessage;

[Function("MAX_BYTES_SIZE", typeof(UInt256Output))]
internal sealed class MaxBytesSizeFunction : FunctionMessage;

[Function("MAX_DOMAIN_NAMES", typeof(UInt256Output))]
internal sealed class MaxDomainNamesFunction : FunctionMessage;

[Function("MAX_DOMAIN_NAME_LENGTH", typeof(UInt256Output))]
internal sealed class MaxDomainNameLengthFunction : FunctionMessage;
