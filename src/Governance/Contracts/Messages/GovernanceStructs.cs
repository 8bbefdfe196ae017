using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Kms.Governance.Contracts.Messages;

// The Solidity structs of the governance contracts as Nethereum tuple types; the public records in GovernanceTypes.cs
// convert to and from them, so callers never see Nethereum's string addresses and mutable lists.

/// <summary><c>DCAPReport</c>: (bytes,bytes[4],bytes,bytes,bytes).</summary>
internal sealed class DcapReportStruct
{
    [Parameter("bytes", "mrTd", 1)]
    public byte[] MrTd { get; set; } = [];

    [Parameter("bytes[4]", "RTMRs", 2)]
    public List<byte[]> Rtmrs { get; set; } = [];

    [Parameter("bytes", "mrOwner", 3)]
    public byte[] MrOwner { get; set; } = [];

    [Parameter("bytes", "mrConfigId", 4)]
    public byte[] MrConfigId { get; set; } = [];

    [Parameter("bytes", "mrConfigOwner", 5)]
    public byte[] MrConfigOwner { get; set; } = [];
}

/// <summary><c>DCAPEvent</c>: (uint32,uint32,bytes,bytes32).</summary>
internal sealed class DcapEventStruct
{
    [Parameter("uint32", "Index", 1)]
    public uint Index { get; set; }

    [Parameter("uint32", "EventType", 2)]
    public uint EventType { get; set; }

    [Parameter("bytes", "EventPayload", 3)]
    public byte[] EventPayload { get; set; } = [];

    [Parameter("bytes32", "Digest", 4)]
    public byte[] Digest { get; set; } = [];
}

/// <summary><c>MAAReport</c>: (bytes32[24]).</summary>
internal sealed class MaaReportStruct
{
    [Parameter("bytes32[24]", "PCRs", 1)]
    public List<byte[]> Pcrs { get; set; } = [];
}

/// <summary><c>AppPKI</c>: (bytes,bytes,bytes).</summary>
internal sealed class AppPkiStruct
{
    [Parameter("bytes", "ca", 1)]
    public byte[] Ca { get; set; } = [];

    [Parameter("bytes", "pubkey", 2)]
    public byte[] Pubkey { get; set; } = [];

    [Parameter("bytes", "attestation", 3)]
    public byte[] Attestation { get; set; } = [];
}

/// <summary><c>OnboardRequest</c>: (bytes,int256,address,bytes).</summary>
internal sealed class OnboardRequestStruct
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
