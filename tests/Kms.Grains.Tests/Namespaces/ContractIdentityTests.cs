using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Tests.Namespaces;

/// <summary>
/// The identity of a workload in an onchain namespace equals what the governance bindings compute for the contract
/// (<see cref="DcapReport.ComputeIdentity"/>, <see cref="MaaReport.ComputeIdentity"/>; the anvil test also asks the
/// deployed contract), and evidence that cannot give one is refused, never hashed into something else.
/// </summary>
public sealed class ContractIdentityTests
{
    private static readonly EthereumAddress s_contract = EthereumAddress.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3");

    [Theory]
    [InlineData("tdx")]
    [InlineData("dev")]
    public void TdxAndDevUseTheDcapIdentity(string tee)
    {
        byte[][] rtmrs = [RandomNumberGenerator.GetBytes(48), RandomNumberGenerator.GetBytes(48), RandomNumberGenerator.GetBytes(48), RandomNumberGenerator.GetBytes(48)];
        VerifiedWorkload workload = Workload(tee, Enumerable.Range(0, 4).ToDictionary(i => "rtmr" + i, i => rtmrs[i]));
        byte[] expected = DcapReport.FromRegisters(new byte[48], rtmrs[0], rtmrs[1], rtmrs[2]).ComputeIdentity(s_contract);

        Assert.Equal(Convert.ToHexStringLower(expected), ContractIdentity.Compute(workload, s_contract));
        Assert.NotEqual(ContractIdentity.Compute(workload, s_contract), ContractIdentity.Compute(workload, EthereumAddress.Zero));
    }

    [Theory]
    [InlineData("azure-sev-snp")]
    [InlineData("azure-tdx")]
    public void AzureConfidentialVmsUseTheMaaIdentity(string tee)
    {
        byte[][] pcrs = [.. Enumerable.Range(0, 24).Select(_ => RandomNumberGenerator.GetBytes(32))];
        VerifiedWorkload workload = Workload(tee, Enumerable.Range(0, 24).ToDictionary(i => "pcr" + i, i => pcrs[i]));

        Assert.Equal(Convert.ToHexStringLower(new MaaReport(pcrs).ComputeIdentity(s_contract)), ContractIdentity.Compute(workload, s_contract));
    }

    [Fact]
    public void EvidenceWithoutAContractIdentityIsRefused()
    {
        Assert.Contains("defines no identity for sgx", Refused(Workload("sgx", new() { ["mrenclave"] = new byte[32] })), StringComparison.Ordinal);
        Assert.Contains("no 'rtmr2'", Refused(Workload("dev", new() { ["rtmr0"] = new byte[48], ["rtmr1"] = new byte[48] })), StringComparison.Ordinal);
        Assert.Contains("wrong size", Refused(Workload("tdx", new() { ["rtmr0"] = new byte[48], ["rtmr1"] = new byte[48], ["rtmr2"] = new byte[32] })), StringComparison.Ordinal);
        Assert.Contains("wrong size", Refused(Workload("azure-tdx", new() { ["pcr4"] = new byte[32], ["pcr9"] = new byte[32], ["pcr11"] = new byte[48] })), StringComparison.Ordinal);
        VerifiedWorkload notHex = Workload("tdx", new()) with
        {
            Measurements = new Dictionary<string, string> { ["rtmr0"] = "zz", ["rtmr1"] = "00", ["rtmr2"] = "00" },
        };
        Assert.Contains("wrong size", Refused(notHex), StringComparison.Ordinal);
    }

    private static string Refused(VerifiedWorkload workload)
    {
        KmsException refused = Assert.Throws<KmsException>(() => ContractIdentity.Compute(workload, s_contract));
        Assert.Equal(KmsErrorKind.PolicyDenied, refused.Kind);
        return refused.Message;
    }

    private static VerifiedWorkload Workload(string tee, Dictionary<string, byte[]> registers) => new(
        tee, tee, false, "UpToDate", [], registers.ToDictionary(r => r.Key, r => Convert.ToHexStringLower(r.Value)), []);
}
