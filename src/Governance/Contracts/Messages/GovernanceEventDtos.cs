using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Kms.Governance.Contracts.Messages;

// The governance events as Nethereum event DTOs, decoded behind GuardedEventDecoder. None of the contracts' own
// parameters are indexed; OpenZeppelin's are.

[Event("PKIUpdated")]
internal sealed class PkiUpdatedEventDto : IEventDTO
{
    [Parameter("address", "updater", 1, false)]
    public string Updater { get; set; } = string.Empty;

    [Parameter("tuple", "pki", 2, false)]
    public AppPkiStruct Pki { get; set; } = new();
}

[Event("InstanceDomainRegistered")]
internal sealed class InstanceDomainRegisteredEventDto : IEventDTO
{
    [Parameter("string", "domain", 1, false)]
    public string Domain { get; set; } = string.Empty;

    [Parameter("address", "registrar", 2, false)]
    public string Registrar { get; set; } = string.Empty;
}

[Event("InstanceDomainRemoved")]
internal sealed class InstanceDomainRemovedEventDto : IEventDTO
{
    [Parameter("string", "domain", 1, false)]
    public string Domain { get; set; } = string.Empty;

    [Parameter("address", "remover", 2, false)]
    public string Remover { get; set; } = string.Empty;
}

[Event("IdentityAllowlisted")]
internal sealed class IdentityAllowlistedEventDto : IEventDTO
{
    [Parameter("bytes32", "identity", 1, false)]
    public byte[] Identity { get; set; } = [];

    [Parameter("address", "owner", 2, false)]
    public string Owner { get; set; } = string.Empty;
}

[Event("IdentityRemoved")]
internal sealed class IdentityRemovedEventDto : IEventDTO
{
    [Parameter("bytes32", "identity", 1, false)]
    public byte[] Identity { get; set; } = [];

    [Parameter("address", "owner", 2, false)]
    public string Owner { get; set; } = string.Empty;
}

[Event("ApplicationAllowlisted")]
internal sealed class ApplicationAllowlistedEventDto : IEventDTO
{
    [Parameter("address", "application", 1, false)]
    public string Application { get; set; } = string.Empty;

    [Parameter("address", "owner", 2, false)]
    public string Owner { get; set; } = string.Empty;
}

[Event("ApplicationRemoved")]
internal sealed class ApplicationRemovedEventDto : IEventDTO
{
    [Parameter("address", "application", 1, false)]
    public string Application { get; set; } = string.Empty;

    [Parameter("address", "owner", 2, false)]
    public string Owner { get; set; } = string.Empty;
}

[Event("OnboardRequested")]
internal sealed class OnboardRequestedEventDto : IEventDTO
{
    [Parameter("bytes32", "requestHash", 1, false)]
    public byte[] RequestHash { get; set; } = [];

    [Parameter("address", "operator", 2, false)]
    public string Operator { get; set; } = string.Empty;
}

[Event("IdentityConfigSet")]
internal sealed class IdentityConfigSetEventDto : IEventDTO
{
    [Parameter("bytes32", "identity", 1, false)]
    public byte[] Identity { get; set; } = [];

    [Parameter("bytes32", "configHash", 2, false)]
    public byte[] ConfigHash { get; set; } = [];

    [Parameter("address", "setter", 3, false)]
    public string Setter { get; set; } = string.Empty;
}

[Event("IdentityConfigRemoved")]
internal sealed class IdentityConfigRemovedEventDto : IEventDTO
{
    [Parameter("bytes32", "identity", 1, false)]
    public byte[] Identity { get; set; } = [];

    [Parameter("address", "remover", 2, false)]
    public string Remover { get; set; } = string.Empty;
}

[Event("StorageBackendSet")]
internal sealed class StorageBackendSetEventDto : IEventDTO
{
    [Parameter("string", "location", 1, false)]
    public string Location { get; set; } = string.Empty;

    [Parameter("address", "setter", 2, false)]
    public string Setter { get; set; } = string.Empty;
}

[Event("StorageBackendRemoved")]
internal sealed class StorageBackendRemovedEventDto : IEventDTO
{
    [Parameter("string", "location", 1, false)]
    public string Location { get; set; } = string.Empty;

    [Parameter("address", "remover", 2, false)]
    public string Remover { get; set; } = string.Empty;
}

[Event("ArtifactAdded")]
internal sealed class ArtifactAddedEventDto : IEventDTO
{
    [Parameter("bytes32", "artifactHash", 1, false)]
    public byte[] ArtifactHash { get; set; } = [];

    [Parameter("address", "adder", 2, false)]
    public string Adder { get; set; } = string.Empty;
}

[Event("RoleGranted")]
internal sealed class RoleGrantedEventDto : IEventDTO
{
    [Parameter("bytes32", "role", 1, true)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2, true)]
    public string Account { get; set; } = string.Empty;

    [Parameter("address", "sender", 3, true)]
    public string Sender { get; set; } = string.Empty;
}

[Event("RoleRevoked")]
internal sealed class RoleRevokedEventDto : IEventDTO
{
    [Parameter("bytes32", "role", 1, true)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2, true)]
    public string Account { get; set; } = string.Empty;

    [Parameter("address", "sender", 3, true)]
    public string Sender { get; set; } = string.Empty;
}

[Event("RoleAdminChanged")]
internal sealed class RoleAdminChangedEventDto : IEventDTO
{
    [Parameter("bytes32", "role", 1, true)]
    public byte[] Role { get; set; } = [];

    [Parameter("bytes32", "previousAdminRole", 2, true)]
    public byte[] PreviousAdminRole { get; set; } = [];

    [Parameter("bytes32", "newAdminRole", 3, true)]
    public byte[] NewAdminRole { get; set; } = [];
}

[Event("OwnershipTransferred")]
internal sealed class OwnershipTransferredEventDto : IEventDTO
{
    [Parameter("address", "previousOwner", 1, true)]
    public string PreviousOwner { get; set; } = string.Empty;

    [Parameter("address", "newOwner", 2, true)]
    public string NewOwner { get; set; } = string.Empty;
}
