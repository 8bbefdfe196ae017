using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Kms.Governance.Contracts.Messages;

// Functions of the KMS governance contract (KMS.sol and this project's additions).

[Function("allowlistDCAP", "bytes32")]
internal sealed class AllowlistDcapFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public DcapReportStruct Report { get; set; } = new();
}

[Function("allowlistMAA", "bytes32")]
internal sealed class AllowlistMaaFunction : FunctionMessage
{
    [Parameter("tuple", "report", 1)]
    public MaaReportStruct Report { get; set; } = new();
}

[Function("allowlistIdentity")]
internal sealed class AllowlistIdentityFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];
}

[Function("removeAllowlistedIdentity")]
internal sealed class RemoveAllowlistedIdentityFunction : FunctionMessage
{
    [Parameter("bytes32", "identity", 1)]
    public byte[] Identity { get; set; } = [];
}

[Function("HashOnboardRequest", typeof(Bytes32Output))]
internal sealed class HashOnboardRequestFunction : FunctionMessage
{
    [Parameter("tuple", "request", 1)]
    public OnboardRequestStruct Request { get; set; } = new();
}

[Function("requestOnboard", "bytes32")]
internal sealed class RequestOnboardFunction : FunctionMessage
{
    [Parameter("tuple", "request", 1)]
    public OnboardRequestStruct Request { get; set; } = new();
}

[Function("fetchOnboardRequest", typeof(OnboardRequestOutput))]
internal sealed class FetchOnboardRequestFunction : FunctionMessage
{
    [Parameter("bytes32", "requestHash", 1)]
    public byte[] RequestHash { get; set; } = [];
}

[Function("onboardRequests", typeof(OnboardRequestFieldsOutput))]
internal sealed class OnboardRequestsFunction : FunctionMessage
{
    [Parameter("bytes32", "", 1)]
    public byte[] RequestHash { get; set; } = [];
}

[Function("ApplicationAllowed", typeof(BoolOutput))]
internal sealed class ApplicationAllowedFunction : FunctionMessage
{
    [Parameter("address", "application", 1)]
    public string Application { get; set; } = string.Empty;
}

[Function("AllowApplication")]
internal sealed class AllowApplicationFunction : FunctionMessage
{
    [Parameter("address", "application", 1)]
    public string Application { get; set; } = string.Empty;
}

[Function("RemoveAllowlistedApplication")]
internal sealed class RemoveAllowlistedApplicationFunction : FunctionMessage
{
    [Parameter("address", "application", 1)]
    public string Application { get; set; } = string.Empty;
}

[Function("AllowedApplications", typeof(AddressArrayOutput))]
internal sealed class AllowedApplicationsFunction : FunctionMessage;

[Function("MAX_APPLICATIONS", typeof(UInt256Output))]
internal sealed class MaxApplicationsFunction : FunctionMessage;
