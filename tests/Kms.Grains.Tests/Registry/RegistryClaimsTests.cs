using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Crypto.Release;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Registry;
using Kms.Grains.Release;

namespace Kms.Grains.Tests.Registry;

/// <summary>The Go registry claim parsing: proxy headers only when trusted, identities per §1.4 (vectors from the spec).</summary>
public sealed class RegistryClaimsTests
{
    private static readonly RegistryFrontEndOptions s_trusted = new() { TrustAttestedProxy = true };

    [Fact]
    public void QemuTdxHeaders_GiveTheSpecDcapIdentity()
    {
        string json = "{" + string.Join(",", Enumerable.Range(0, 5).Select(i => $"\"{i}\":\"{new string('0', 94)}{i:x2}\"")) + "}";
        VerifiedWorkload workload = RegistryClaims.FromProxy(new RegistryClaim("qemu-tdx", json), s_trusted);
        Assert.Equal("tdx", workload.Tee);
        Assert.Equal(RegistryFrontEndOptions.ProxyAttestedTcbStatus, workload.TcbStatus);
        Assert.Equal("67699f351d50ed20be6afc88f4555335e244c06fb4f4bde7eb7147edf07d5fbd", RegistryClaims.Identity(workload, EthereumAddress.Zero));
        Assert.Equal("3c49a19fd84498c112338bcdc88b9d81dc989cf51bea36a685336879aef26eb1", RegistryClaims.Identity(workload, EthereumAddress.Parse("0x" + new string('1', 40))));
    }

    [Fact]
    public void AzureTdxHeaders_UseDecodedPcrs_NotTheGoHexAsciiBug()
    {
        string Pcr(string prefix) => prefix + new string('0', 60);
        string json = $"{{\"4\":\"{Pcr("0404")}\",\"9\":\"{Pcr("0909")}\",\"11\":\"{Pcr("0b0b")}\"}}";
        VerifiedWorkload workload = RegistryClaims.FromProxy(new RegistryClaim("azure-tdx", json), s_trusted);
        Assert.Equal("f8608e5e388e02dc087f8ff07132161e5e2a48a890bace09d864a885b21084c5", RegistryClaims.Identity(workload, EthereumAddress.Zero));
    }

    [Fact]
    public void UntrustedProxy_AndMalformedClaims_AreTheGo400()
    {
        string json = "{" + string.Join(",", Enumerable.Range(0, 4).Select(i => $"\"{i}\":\"{new string('0', 96)}\"")) + "}";
        RegistryStepException untrusted = Assert.Throws<RegistryStepException>(() => RegistryClaims.FromProxy(new RegistryClaim("qemu-tdx", json), new RegistryFrontEndOptions()));
        Assert.Equal(RegistryOutcome.BadRequest, untrusted.Outcome);
        Assert.StartsWith("could not parse identity from request: invalid measurements: ", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("X-Kms-Evidence", untrusted.Message, StringComparison.Ordinal);

        Assert.Throws<RegistryStepException>(() => RegistryClaims.FromProxy(new RegistryClaim("dummy", json), s_trusted));
        Assert.Throws<RegistryStepException>(() => RegistryClaims.FromProxy(new RegistryClaim(null, null), s_trusted));
        RegistryStepException csr = Assert.Throws<RegistryStepException>(() => RegistryClaims.Csr([0xff, 0xfe, 0x00]));
        Assert.StartsWith("could not parse identity from request: csr parsing error: ", csr.Message, StringComparison.Ordinal);
        Assert.Throws<RegistryStepException>(() => RegistryClaims.RequireEvidenceShape(new RegistryClaim(null, null, new EvidenceSubmission("dev", [1]), new byte[31], new byte[32])));
    }

    [Fact]
    public void RandomClaimsAndCsrs_OnlyEverFailAsRegistrySteps()
    {
        var random = new Random(3);
        for (int i = 0; i < 3000; i++)
        {
            byte[] noise = new byte[random.Next(0, 300)];
            random.NextBytes(noise);
            string text = new(noise.Select(b => (char)b).ToArray());
            try
            {
                RegistryClaims.FromProxy(new RegistryClaim(random.Next(2) == 0 ? "qemu-tdx" : "azure-tdx", text), s_trusted);
            }
            catch (RegistryStepException)
            {
            }

            Assert.Throws<RegistryStepException>(() => RegistryClaims.Csr(noise));
        }
    }

    [Fact]
    public void ReportData_IsContractThenSha256ThenZeros()
    {
        byte[] contract = RandomNumberGenerator.GetBytes(20);
        byte[] @operator = RandomNumberGenerator.GetBytes(20);
        byte[] cert = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"u8.ToArray();
        byte[] key = "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n"u8.ToArray();
        Assert.Equal([.. contract, .. SHA256.HashData([.. @operator, .. cert, .. key]), .. new byte[12]], RegistryReportData.AppSecrets(contract, @operator, cert, key));
        Assert.Equal([.. contract, .. SHA256.HashData([.. cert, .. key]), .. new byte[12]], RegistryReportData.Pki(contract, cert, key));
        Assert.Throws<ArgumentException>(() => RegistryReportData.Pki(new byte[19], cert, key));
    }
}
