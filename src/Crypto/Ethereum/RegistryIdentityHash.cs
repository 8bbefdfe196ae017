namespace Kms.Crypto.Ethereum;

/// <summary>
/// The workload identity hashes of the TEE Registry System's contracts (<c>KMS.sol</c> / <c>OnchainRegistry.sol</c>
/// <c>DCAPIdentity</c> and <c>MAAIdentity</c>), computed off chain. An identity is scoped to the contract that is asked:
/// the same measurements give different identities under different contract addresses.
/// </summary>
/// <remarks>
/// Attestation (which has the measured registers) and Governance (which has the contract bindings) both need these
/// formulas and may not depend on each other, so the one implementation lives here.
/// </remarks>
public static class RegistryIdentityHash
{
    /// <summary>The size of a contract address in bytes.</summary>
    public const int ContractAddressSize = 20;

    /// <summary>The size of a TDX runtime measurement register (RTMR) in bytes.</summary>
    public const int RtmrSize = 48;

    /// <summary>The size of a vTPM SHA-256 PCR value in bytes.</summary>
    public const int PcrSize = 32;

    /// <summary>
    /// The DCAP identity: keccak256(contract(20) ‖ RTMR0(48) ‖ RTMR1(48) ‖ RTMR2(48)). MRTD, RTMR3 and the config
    /// registers are not part of it.
    /// </summary>
    /// <exception cref="ArgumentException">An input has the wrong length.</exception>
    public static byte[] ComputeDcap(ReadOnlySpan<byte> contract, ReadOnlySpan<byte> rtmr0, ReadOnlySpan<byte> rtmr1, ReadOnlySpan<byte> rtmr2)
    {
        RequireLength(contract, ContractAddressSize, nameof(contract));
        RequireLength(rtmr0, RtmrSize, nameof(rtmr0));
        RequireLength(rtmr1, RtmrSize, nameof(rtmr1));
        RequireLength(rtmr2, RtmrSize, nameof(rtmr2));
        return Keccak256.HashData([.. contract, .. rtmr0, .. rtmr1, .. rtmr2]);
    }

    /// <summary>
    /// The MAA identity: keccak256(contract(20) ‖ PCR4(32) ‖ PCR9(32) ‖ PCR11(32)) over the decoded PCR values (not the
    /// 64-character hex text the Go service copies by mistake).
    /// </summary>
    /// <exception cref="ArgumentException">An input has the wrong length.</exception>
    public static byte[] ComputeMaa(ReadOnlySpan<byte> contract, ReadOnlySpan<byte> pcr4, ReadOnlySpan<byte> pcr9, ReadOnlySpan<byte> pcr11)
    {
        RequireLength(contract, ContractAddressSize, nameof(contract));
        RequireLength(pcr4, PcrSize, nameof(pcr4));
        RequireLength(pcr9, PcrSize, nameof(pcr9));
        RequireLength(pcr11, PcrSize, nameof(pcr11));
        return Keccak256.HashData([.. contract, .. pcr4, .. pcr9, .. pcr11]);
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes; got {value.Length}.", name);
        }
    }
}
