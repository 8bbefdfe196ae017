using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.Tests.Snp;

internal static class SnpTestData
{
    /// <summary>Inside the validity of every VCEK/VLEK used below (the AWS VLEK is valid 2024-12-10..2025-12-10).</summary>
    public static readonly FixedTimeProvider Clock = FixedTimeProvider.At("2025-06-01T00:00:00Z");

    public static byte[] MilanReport => TestData.Bytes("attestation/sev-snp/gosevguest_attestation_milan_v2.bin");

    public static byte[] MilanVcek => TestData.Bytes("attestation/sev-snp/gosevguest_vcek_milan.der");

    public static byte[] GenoaReport => TestData.Bytes("attestation/sev-snp/trustee_azure_snp_genoa_report_v3_EXTRACTED.bin");

    public static byte[] GenoaVcek => PemToDer(TestData.Text("attestation/sev-snp/trustee_azure_snp_vcek_genoa.pem"));

    public static byte[] AzureMilanVcek => PemToDer(TestData.Text("attestation/sev-snp/trustee_azure_snp_vcek_ask_ark_milan.pem"));

    public static byte[] PemToDer(string pem) => X509Certificate2.CreateFromPem(pem).RawData;

    public static byte[] ReportDataOf(byte[] report) => report.AsSpan(0x50, 64).ToArray();
}
