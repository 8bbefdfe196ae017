using Kms.Crypto.Ethereum;

namespace Kms.Grains.Namespaces;

/// <summary>
/// The identity of a workload in an onchain namespace, as the governance contract computes it (the Go system's
/// <c>DCAPIdentity</c> / <c>MAAIdentity</c>): TDX keccak256(contract ‖ RTMR0 ‖ RTMR1 ‖ RTMR2), Azure confidential VMs
/// keccak256(contract ‖ PCR4 ‖ PCR9 ‖ PCR11). Dev evidence that carries rtmr0..rtmr2 is treated as TDX, so a
/// development silo can exercise a real contract.
/// </summary>
internal static class ContractIdentity
{
    /// <exception cref="KmsException">No contract identity is defined for the TEE or a register is missing or malformed (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    public static string Compute(VerifiedWorkload workload, EthereumAddress contract)
    {
        try
        {
            byte[] identity = workload.Tee switch
            {
                "tdx" or "dev" => RegistryIdentityHash.ComputeDcap(
                    contract.Bytes,
                    MeasurementIdentity.Register(workload, "rtmr0"),
                    MeasurementIdentity.Register(workload, "rtmr1"),
                    MeasurementIdentity.Register(workload, "rtmr2")),
                "azure-sev-snp" or "azure-tdx" => RegistryIdentityHash.ComputeMaa(
                    contract.Bytes,
                    MeasurementIdentity.Register(workload, "pcr4"),
                    MeasurementIdentity.Register(workload, "pcr9"),
                    MeasurementIdentity.Register(workload, "pcr11")),
                _ => throw new KmsException(KmsErrorKind.PolicyDenied, $"Onchain governance defines no identity for {workload.Tee} evidence."),
            };
            return Convert.ToHexStringLower(identity);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, $"The {workload.Tee} evidence has a malformed measurement register, or one of the wrong size, for the contract identity.");
        }
    }
}
