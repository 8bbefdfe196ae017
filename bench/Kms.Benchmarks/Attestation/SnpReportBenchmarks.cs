using BenchmarkDotNet.Attributes;
using Kms.Attestation;
using Kms.Attestation.Snp;

namespace Kms.Benchmarks.Attestation;

/// <summary>
/// SEV-SNP report verification with the VCEK chain already verified and cached (the steady state of a silo): parse,
/// one ECDSA P-384 verification, TCB/chip/policy checks. Needs KMS_TESTDATA (the shared real-evidence corpus).
/// </summary>
[MemoryDiagnoser]
public class SnpReportBenchmarks
{
    private byte[] _report = [];
    private byte[] _vcek = [];
    private byte[] _reportData = [];
    private SnpReportVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = Environment.GetEnvironmentVariable("KMS_TESTDATA")
            ?? throw new InvalidOperationException("Set KMS_TESTDATA to the shared testdata folder.");
        _report = File.ReadAllBytes(Path.Combine(root, "attestation/sev-snp/trustee_azure_snp_genoa_report_v3_EXTRACTED.bin"));
        _vcek = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(root, "attestation/sev-snp/trustee_azure_snp_vcek_genoa.pem"))).RawData;
        _reportData = _report.AsSpan(0x50, 64).ToArray();
        _verifier = new SnpReportVerifier(SnpPolicy.Default, new FixedClock(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        _verifier.Verify(_report, _vcek, _reportData); // warms the endorsement-key cache
    }

    [Benchmark]
    public SnpReport ParseReport() => SnpReport.Parse(_report);

    [Benchmark]
    public VerifiedEvidence VerifyReportCachedChain() => _verifier.Verify(_report, _vcek, _reportData);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
