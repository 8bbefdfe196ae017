using System.Buffers.Binary;
using Kms.Attestation.Providers;

namespace Kms.Attestation.Tests.Providers;

/// <summary>The /dev/sev-guest provider's response parsing (no SEV-SNP guest here) and the explicit Azure refusal.</summary>
public sealed class SevGuestAndAzureProviderTests
{
    [Fact]
    public void Response_WithStatusZeroAndAReport_YieldsTheReport()
    {
        byte[] report = new byte[SnpReportResponse.ReportSize];
        new Random(1).NextBytes(report);
        Assert.Equal(report, SnpReportResponse.Parse(Response(0, (uint)report.Length, report, 4000)));
    }

    [Fact]
    public void Response_Errors_AreRefused()
    {
        byte[] report = new byte[SnpReportResponse.ReportSize];
        Assert.Equal(EvidenceProviderFailure.Unavailable, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(Response(0x16, 0x4A0, report, 4000))).Failure);
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(Response(0, 0x49F, report, 4000))).Failure);
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(Response(0, 0xFFFFFFFF, report, 4000))).Failure);
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(Response(0, 0x4A0, report, 0x20 + 0x49F))).Failure);
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(new byte[31])).Failure);
        byte[] reserved = Response(0, 0x4A0, report, 4000);
        reserved[0x1F] = 1;
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, Assert.Throws<EvidenceProviderException>(() => SnpReportResponse.Parse(reserved)).Failure);
    }

    [Fact]
    public void Response_Fuzzed_OnlyEverYieldsAReportOrTheProvidersError()
    {
        var random = new Random(4340);
        byte[] valid = Response(0, 0x4A0, new byte[0x4A0], 4000);
        for (int i = 0; i < 5000; i++)
        {
            byte[] input = valid.ToArray();
            for (int j = random.Next(1, 4); j > 0; j--)
            {
                input[random.Next(0, i % 2 == 0 ? 0x28 : input.Length)] = (byte)random.Next(256);
            }

            input = random.Next(5) == 0 ? input[..random.Next(input.Length)] : input;
            try
            {
                Assert.Equal(0x4A0, SnpReportResponse.Parse(input).Length);
            }
            catch (EvidenceProviderException)
            {
            }
        }
    }

    [Fact]
    public async Task SevGuest_WithoutTheDevice_IsUnavailable()
    {
        var provider = new SevGuestEvidenceProvider(Path.Combine(Path.GetTempPath(), "no-such-sev-guest-" + Guid.NewGuid()));
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(() => provider.GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.Unavailable, error.Failure);
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetEvidenceAsync(new byte[65]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SevGuestEvidenceProvider(vmpl: 4));
    }

    [Fact]
    public async Task AzureCvm_IsNotSupported_NamingIssue14()
    {
        var provider = new AzureCvmEvidenceProvider();
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(() => provider.GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.NotSupported, error.Failure);
        Assert.Contains("issue 14", error.Message, StringComparison.Ordinal);
        Assert.Equal("azure-cvm", provider.EvidenceType);
    }

    private static byte[] Response(uint status, uint size, byte[] report, int length)
    {
        byte[] response = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(response, status);
        BinaryPrimitives.WriteUInt32LittleEndian(response.AsSpan(4), size);
        report.AsSpan(0, Math.Min(report.Length, Math.Max(0, length - 0x20))).CopyTo(response.AsSpan(0x20));
        return response;
    }
}
