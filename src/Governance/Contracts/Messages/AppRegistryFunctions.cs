using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Kms.Governance.Contracts.Messages;

// Functions of the application registry contract (OnchainRegistry.sol and this project's additions).

[Function("ConfigForIdentity", typeof(Bytes32Output))]
internal sealed class ConfigForIdentityFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];

    [Parameter("address", "operator", 2)]
    public string Operator { get; set; } = string.Empty;
}

[Function("setConfigForDCAP")]
internal sealed class SetConfigForDcapFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public DcapReportStruct Report { get; set; } = new();

    [Parameter("tuple[]", "eventLog", 2)]
    public List<DcapEventStruct> EventLog { get; set; } = [];

    [Parameter("bytes32", "configHash", 3)]
    public byte[] ConfigHash { get; set; } = [];
}

[Function("setConfigForMAA")]
internal sealed class SetConfigForMaaFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public MaaReportStruct Report { get; set; } = new();

    [Parameter("bytes32", "configHash", 2)]
    public byte[] ConfigHash { get; set; } = [];
}

[Function("setConfigForIdentity")]
internal sealed class SetConfigForIdentityFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];

    [Parameter("bytes32", "configHash", 2)]
    public byte[] ConfigHash { get; set; } = [];
}

[Function("removeConfigMapForIdentity")]
internal sealed class RemoveConfigMapForIdentityFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];
}

[Function("setStorageBackend")]
internal sealed class SetStorageBackendFunction : FunctionMessage
{
    [Parameter("string", "location", 1)]
    public string Location { get; set; } = string.Empty;
}

[Function("removeStorageBackend")]
internal sealed class RemoveStorageBackendFunction : FunctionMessage
{
    [Parameter("string", "location", 1)]
    public string Location { get; set; } = string.Empty;
}

[Function("StorageBackends", typeof(StringArrayOutput))]
internal sealed class StorageBackendsFunction : FunctionMessage;

[Function("addArtifact", "bytes32")]
internal sealed class AddArtifactFunction : FunctionMessage
{
    [Parameter("bytes", "data", 1)]
    public byte[] Data { get; set; } = [];
}

[Function("getArtifact", typeof(BytesOutput))]
internal sealed class GetArtifactFunction : FunctionMessage
{
    [Parameter("bytes32", "artifactHash", 1)]
    public byte[] ArtifactHash { get; set; } = [];
}

[Function("ROLE_METADATA", typeof(Bytes32Output))]
internal sealed class RoleMetadataFunction : FunctionMessage;

[Function("ROLE_INSTANCE", typeof(Bytes32Output))]
internal sealed class RoleInstanceFunction : FunctionMessage;

[Function("MAX_STORAGE_BACKENDS", typeof(UInt256Output))]
internal sealed class MaxStorageBackendsFunction : FunctionMessage;

[Function("MAX_STORAGE_BACKEND_LENGTH", typeof(UInt256Output))]
internal sealed class MaxStorageBackendLengthFunction : FunctionMessage;
