using Kms.Attestation.Azure;
using Kms.Attestation.Snp;
using Kms.Attestation.Tests.Snp;

namespace Kms.Attestation.Tests.Azure;

public sealed class HclReportTests
{
    [TestDataTheory]
    [InlineData("attestation/sev-snp/trustee_azure_snp_hcl-report_milan.bin", HclReportType.Snp, "b3fbad6514c83caeb0380882145e49f794229ef37c421b91fc47ff93556bafac")]
    [InlineData("attestation/sev-snp/trustee_azure_snp_genoa_hcl-report_DECODED.bin", HclReportType.Snp, "b581f12e29a2d7d64e5e0b738d563879a78b51c644d0fa0cce02b48699f6bf5f")]
    [InlineData("attestation/tdx/trustee_azure_tdx_hcl-report.bin", HclReportType.Tdx, "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e593839")]
    public void Hardware_report_data_is_the_hash_of_the_runtime_claims(string path, HclReportType type, string runtimeHash)
    {
        HclReport hcl = HclReport.Parse(TestData.Bytes(path));

        Assert.Equal(type, hcl.ReportType);
        byte[] expected = hcl.ExpectedHardwareReportData();
        Assert.Equal(runtimeHash, Convert.ToHexStringLower(expected.AsSpan(0, 32)));
        Assert.False(expected.AsSpan(32).ContainsAnyExcept((byte)0));

        // SNP REPORT_DATA is at 0x50; TDREPORT REPORTDATA at 128 (REPORTMACSTRUCT).
        int offset = type == HclReportType.Snp ? 0x50 : 128;
        Assert.Equal(expected, hcl.HardwareReport.Span.Slice(offset, 64).ToArray());

        HclRuntimeClaims claims = HclRuntimeClaims.Parse(hcl.RuntimeData.Span);
        Assert.Equal(256, claims.AttestationKey.Modulus!.Length);
        Assert.Contains("HCLAkPub", claims.AttestationKeyJwk);
        Assert.Equal(new byte[64], claims.UserData);
    }

    [TestDataFact]
    public void Inner_snp_report_of_the_milan_hcl_report_verifies_with_its_vcek()
    {
        HclReport hcl = HclReport.Parse(TestData.Bytes("attestation/sev-snp/trustee_azure_snp_hcl-report_milan.bin"));
        var verifier = new SnpReportVerifier(SnpPolicy.Default, SnpTestData.Clock);

        VerifiedEvidence evidence = verifier.Verify(hcl.HardwareReport.Span, SnpTestData.AzureMilanVcek, hcl.ExpectedHardwareReportData());

        Assert.Equal("Milan", evidence.PlatformIds["processor_family"]);
        Assert.Equal(
            "9ac48fcac8a2d88aeeff8d427ad4f2be0e3917c748a18bdf52cc317e7fe20308b459d5ef1a12e0c22944eb386d17c315",
            Convert.ToHexStringLower(evidence.Snp!.Measurement.Span));
    }

    [TestDataTheory]
    [InlineData(0, 0x00, AttestationFailureKind.Malformed)]          // signature
    [InlineData(4, 0x07, AttestationFailureKind.UnsupportedVersion)] // header version
    [InlineData(12, 0x03, AttestationFailureKind.Malformed)]         // request type
    [InlineData(0x4C0, 0x00, AttestationFailureKind.Malformed)]      // data size
    [InlineData(0x4C8, 0x03, AttestationFailureKind.UnsupportedVersion)] // report type
    [InlineData(0x4CC, 0x09, AttestationFailureKind.UnsupportedVersion)] // hash type
    [InlineData(0x4D0, 0xFF, AttestationFailureKind.Malformed)]      // variable data size
    [InlineData(2599, 0x01, AttestationFailureKind.Malformed)]       // trailing padding
    public void Structural_violations_are_refused(int offset, byte value, AttestationFailureKind kind)
    {
        byte[] data = TestData.Bytes("attestation/sev-snp/trustee_azure_snp_hcl-report_milan.bin");
        data[offset] = value;
        AttestationException e = Assert.Throws<AttestationException>(() => HclReport.Parse(data));
        Assert.Equal(kind, e.Kind);
    }

    [TestDataFact]
    public void Fuzzed_hcl_reports_and_runtime_claims_fail_only_with_typed_errors()
    {
        byte[] valid = TestData.Bytes("attestation/sev-snp/trustee_azure_snp_genoa_hcl-report_DECODED.bin");
        byte[] runtime = HclReport.Parse(valid).RuntimeData.ToArray();
        var random = new Random(4242);
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = (byte[])valid.Clone();
            if (i % 2 == 0)
            {
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
            }
            else
            {
                input = input.AsSpan(0, random.Next(input.Length)).ToArray();
            }

            try
            {
                HclReport.Parse(input);
            }
            catch (AttestationException)
            {
            }

            byte[] json = (byte[])runtime.Clone();
            json[random.Next(json.Length)] = (byte)random.Next(256);
            try
            {
                HclRuntimeClaims.Parse(json);
            }
            catch (AttestationException)
            {
            }
        }
    }
}
