using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts.Messages;
using Nethereum.ABI.FunctionEncoding;

namespace Kms.Governance.Contracts;

/// <summary>TDX measurement registers (<c>DCAPReport</c>); every register is 48 bytes.</summary>
public sealed record DcapReport(byte[] MrTd, IReadOnlyList<byte[]> Rtmrs, byte[] MrOwner, byte[] MrConfigId, byte[] MrConfigOwner)
{
    /// <summary>The ABI tuple type.</summary>
    public static AbiType AbiType { get; } = AbiType.Parse("(bytes,bytes[4],bytes,bytes,bytes)");

    /// <summary>A report with only MRTD and RTMR0..2 set (the rest zero), as the Go system builds it from the measurement header.</summary>
    public static DcapReport FromRegisters(byte[] mrTd, byte[] rtmr0, byte[] rtmr1, byte[] rtmr2) =>
        new(mrTd, [rtmr0, rtmr1, rtmr2, new byte[48]], new byte[48], new byte[48], new byte[48]);

    /// <summary>
    /// The identity <paramref name="contract"/>'s <c>DCAPIdentity</c> returns for this report, computed off chain
    /// (<see cref="RegistryIdentityHash.ComputeDcap"/>: keccak256(contract ‖ RTMR0 ‖ RTMR1 ‖ RTMR2)).
    /// </summary>
    /// <exception cref="ArgumentException">A register is not 48 bytes or there are not four RTMRs.</exception>
    public byte[] ComputeIdentity(EthereumAddress contract)
    {
        byte[][] registers = [MrTd, .. Rtmrs, MrOwner, MrConfigId, MrConfigOwner];
        if (Rtmrs.Count != 4 || registers.Any(r => r is null || r.Length != 48))
        {
            throw new ArgumentException("Every DCAP register must be 48 bytes and there are 4 RTMRs.");
        }

        return RegistryIdentityHash.ComputeDcap(contract.Bytes, Rtmrs[0], Rtmrs[1], Rtmrs[2]);
    }

    internal object?[] ToAbi() => [MrTd, Rtmrs.Cast<object?>().ToArray(), MrOwner, MrConfigId, MrConfigOwner];

    internal DcapReportStruct ToStruct() => Rtmrs.Count == 4
        ? new() { MrTd = MrTd, Rtmrs = [.. Rtmrs], MrOwner = MrOwner, MrConfigId = MrConfigId, MrConfigOwner = MrConfigOwner }
        : throw new ArgumentException("A DCAP report has 4 RTMRs.", nameof(Rtmrs));
}

/// <summary>A TDX event-log entry (<c>DCAPEvent</c>); accepted by the contracts, not part of the identity.</summary>
public sealed record DcapEvent(uint Index, uint EventType, byte[] EventPayload, byte[] Digest)
{
    /// <summary>The ABI tuple type.</summary>
    public static AbiType AbiType { get; } = AbiType.Parse("(uint32,uint32,bytes,bytes32)");

    internal object?[] ToAbi() => [Index, EventType, EventPayload, Digest];

    internal DcapEventStruct ToStruct() => new() { Index = Index, EventType = EventType, EventPayload = EventPayload, Digest = ContractValues.Fixed(Digest, 32, nameof(Digest)) };
}

/// <summary>The 24 vTPM PCRs of an Azure confidential VM (<c>MAAReport</c>), 32 bytes each.</summary>
public sealed record MaaReport(IReadOnlyList<byte[]> Pcrs)
{
    /// <summary>The ABI tuple type.</summary>
    public static AbiType AbiType { get; } = AbiType.Parse("(bytes32[24])");

    /// <summary>
    /// The identity <paramref name="contract"/>'s <c>MAAIdentity</c> returns for this report, computed off chain
    /// (<see cref="RegistryIdentityHash.ComputeMaa"/>: keccak256(contract ‖ PCR4 ‖ PCR9 ‖ PCR11)).
    /// </summary>
    /// <exception cref="ArgumentException">There are not 24 PCRs of 32 bytes.</exception>
    public byte[] ComputeIdentity(EthereumAddress contract)
    {
        if (Pcrs.Count != 24 || Pcrs.Any(p => p is null || p.Length != 32))
        {
            throw new ArgumentException("An MAA report has 24 PCRs of 32 bytes.");
        }

        return RegistryIdentityHash.ComputeMaa(contract.Bytes, Pcrs[4], Pcrs[9], Pcrs[11]);
    }

    internal object?[] ToAbi() => [Pcrs.Cast<object?>().ToArray()];

    internal MaaReportStruct ToStruct() => Pcrs.Count == 24
        ? new() { Pcrs = [.. Pcrs.Select(p => ContractValues.Fixed(p, 32, nameof(Pcrs)))] }
        : throw new ArgumentException("An MAA report has 24 PCRs.", nameof(Pcrs));
}

/// <summary>PKI of an application or of the KMS (<c>AppPKI</c>).</summary>
public sealed record AppPki(byte[] Ca, byte[] Pubkey, byte[] Attestation)
{
    /// <summary>The ABI tuple type.</summary>
    public static AbiType AbiType { get; } = AbiType.Parse("(bytes,bytes,bytes)");

    internal object?[] ToAbi() => [Ca, Pubkey, Attestation];

    internal AppPkiStruct ToStruct() => new() { Ca = Ca, Pubkey = Pubkey, Attestation = Attestation };

    internal static AppPki FromStruct(AppPkiStruct value) => new(value.Ca, value.Pubkey, value.Attestation);
}

/// <summary>A KMS onboarding request (<c>OnboardRequest</c>); a zero nonce means "no such request".</summary>
public sealed record OnboardRequest(byte[] Pubkey, BigInteger Nonce, EthereumAddress Operator, byte[] Attestation)
{
    /// <summary>The ABI tuple type.</summary>
    public static AbiType AbiType { get; } = AbiType.Parse("(bytes,int256,address,bytes)");

    /// <summary>Whether the contract returned an empty slot (no request stored under the hash).</summary>
    public bool IsEmpty => Nonce.IsZero;

    /// <summary>The request hash as the contract computes it: keccak256(abi.encode(pubkey, nonce, operator, attestation)).</summary>
    public byte[] ComputeHash() => Keccak256.HashData(new ParametersEncoder().EncodeParametersFromTypeAttributes(typeof(OnboardRequestStruct), ToStruct()));

    internal object?[] ToAbi() => [Pubkey, Nonce, Operator, Attestation];

    internal OnboardRequestStruct ToStruct() => new() { Pubkey = Pubkey, Nonce = Nonce, Operator = Operator.ToLowerHexString(), Attestation = Attestation };

    internal static OnboardRequest FromStruct(OnboardRequestStruct value) =>
        new(value.Pubkey, value.Nonce, ContractValues.Address(value.Operator), value.Attestation);
}

internal static class ContractValues
{
    // Nethereum 6.1.0 pads a short bytesN argument with zeros (checked): a 31-byte identity would silently name another.
    public static byte[] Fixed(byte[] value, int length, string name) =>
        value is not null && value.Length == length ? value : throw new ArgumentException($"{name} must be {length} bytes.", name);

    // Nethereum hands addresses over as EIP-55 strings; the guard already checked the 20 bytes behind them.
    public static EthereumAddress Address(string value) =>
        EthereumAddress.TryParse(value, out EthereumAddress address) ? address : throw new AbiDecodingException("Expected an address.");
}
