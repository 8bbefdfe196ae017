namespace Kms.Grains.Tests.Kms;

/// <summary>Real attestation evidence from <c>KMS_TESTDATA</c> (never copied into the repository).</summary>
internal static class RealEvidence
{
    /// <summary>A time inside the validity of the samples' certificates.</summary>
    public static TimeProvider Clock { get; } = new FixedTimeProvider(DateTimeOffset.Parse("2025-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public static string? Directory => Environment.GetEnvironmentVariable("KMS_TESTDATA");

    /// <summary>A Genoa SEV-SNP report (Azure, extracted) followed by its VCEK (DER): the "sev-snp" evidence format.</summary>
    public static byte[] GenoaSnpEvidence()
    {
        string root = Path.Combine(Directory!, "attestation", "sev-snp");
        byte[] report = File.ReadAllBytes(Path.Combine(root, "trustee_azure_snp_genoa_report_v3_EXTRACTED.bin"));
        byte[] vcek = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(root, "trustee_azure_snp_vcek_genoa.pem"))).RawData;
        return [.. report, .. vcek];
    }

    /// <summary>The report data the sample carries (offset 0x50 of the report).</summary>
    public static byte[] ReportDataOf(byte[] evidence) => evidence.AsSpan(0x50, 64).ToArray();

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>A fact that needs the shared test data: skipped with a reason where <c>KMS_TESTDATA</c> is unset.</summary>
public sealed class RequiresTestDataFactAttribute : FactAttribute
{
    public RequiresTestDataFactAttribute()
    {
        if (string.IsNullOrEmpty(RealEvidence.Directory) || !System.IO.Directory.Exists(RealEvidence.Directory))
        {
            Skip = "KMS_TESTDATA is not set to the shared test data folder (.ci/run sets it); real evidence is not in the repository.";
        }
    }
}
