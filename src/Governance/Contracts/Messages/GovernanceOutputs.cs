using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Kms.Governance.Contracts.Messages;

// Return values of the governance view functions, decoded by Nethereum behind GuardedOutputDecoder.

/// <summary>A single <c>bool</c>.</summary>
[FunctionOutput]
internal sealed class BoolOutput : IFunctionOutputDTO
{
    [Parameter("bool", "", 1)]
    public bool Value { get; set; }
}

/// <summary>A single <c>bytes32</c>.</summary>
[FunctionOutput]
internal sealed class Bytes32Output : IFunctionOutputDTO
{
    [Parameter("bytes32", "", 1)]
    public byte[] Value { get; set; } = [];
}

/// <summary>A single <c>uint256</c>.</summary>
[FunctionOutput]
internal sealed class UInt256Output : IFunctionOutputDTO
{
    [Parameter("uint256", "", 1)]
    public BigInteger Value { get; set; }
}

/// <summary>A single <c>address</c>.</summary>
[FunctionOutput]
internal sealed class AddressOutput : IFunctionOutputDTO
{
    [Parameter("address", "", 1)]
    public string Value { get; set; } = string.Empty;
}

/// <summary>A single <c>bytes</c>.</summary>
[FunctionOutput]
internal sealed class BytesOutput : IFunctionOutputDTO
{
    [Parameter("bytes", "", 1)]
    public byte[] Value { get; set; } = [];
}

/// <summary>A single <c>string[]</c>.</summary>
[FunctionOutput]
internal sealed class StringArrayOutput : IFunctionOutputDTO
{
    [Parameter("string[]", "", 1)]
    public List<string> Value { get; set; } = [];
}

/// <summary>A single <c>address[]</c>.</summary>
[FunctionOutput]
internal sealed class AddressArrayOutput : IFunctionOutputDTO
{
    [Parameter("address[]", "", 1)]
    public List<string> Value { get; set; } = [];
}

/// <summary>A single <c>AppPKI</c> tuple.</summary>
[FunctionOutput]
internal sealed class AppPkiOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public AppPkiStruct Value { get; set; } = new();
}

/// <summary>A single <c>OnboardRequest</c> tuple (<c>fetchOnboardRequest</c>).</summary>
[FunctionOutput]
internal sealed class OnboardRequestOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public OnboardRequestStruct Value { get; set; } = new();
}

/// <summary>The flat outputs of the public getter <c>onboardRequests(bytes32)</c>: (bytes,int256,address,bytes).</summary>
[FunctionOutput]
internal sealed class OnboardRequestFieldsOutput : IFunctionOutputDTO
{
    [Parameter("bytes", "pubkey", 1)]
    public byte[] Pubkey { get; set; } = [];

    [Parameter("int256", "nonce", 2)]
    public BigInteger Nonce { get; set; }

    [Parameter("address", "operator", 3)]
    public string Operator { get; set; } = string.Empty;

    [Parameter("bytes", "attestation", 4)]
    public byte[] Attestation { get; set; } = [];
}
