using System.Text.Json.Nodes;
using Kms.Attestation.Azure;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;
using Kms.Attestation.Tests.Snp;

namespace Kms.Attestation.Tests.Azure;

/// <summary>
/// Azure TDX: the corpus has trustee's HCL report and TD quote of one VM, but no TPM quote and no Intel collateral for
/// its FMSPC; these tests check each link that the data allows.
/// </summary>
public sealed class AzureTdxEvidenceTests
{
    [TestDataFact]
    public async Task The_td_quote_is_verified_against_the_hash_of_the_hcl_runtime_claims()
    {
        byte[] tdQuote = TestData.Bytes("attestation/tdx/trustee_azure_tdx_td-quote_v4.bin");
        var tdx = new RecordingTdxVerifier();
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock, tdxQuoteVerifier: tdx);

        // The TPM quote in the container belongs to another VM, so verification must stop at the TPM link, after
        // the TD quote was checked with the HCL runtime-claims hash as its expected report data.
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(AzureCvmTestData.Utf8(TdxContainer(tdQuote)), AzureCvmTestData.Nonce));
        Assert.Equal(AttestationFailureKind.BadSignature, e.Kind);
        Assert.Equal(TdxQuote.Parse(tdQuote).ReportData.ToArray(), tdx.ExpectedReportData);
        Assert.Equal(tdQuote, tdx.Evidence);
    }

    [TestDataFact]
    public async Task The_real_tdx_verifier_is_wired_and_refuses_without_collateral()
    {
        using var directory = new Tdx.TempDirectory();
        var tdx = new TdxQuoteVerifier(new DirectoryCollateralSource(directory.Path), timeProvider: SnpTestData.Clock);
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock, tdxQuoteVerifier: tdx);
        byte[] tdQuote = TestData.Bytes("attestation/tdx/trustee_azure_tdx_td-quote_v4.bin");

        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(AzureCvmTestData.Utf8(TdxContainer(tdQuote)), AzureCvmTestData.Nonce));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);
    }

    [TestDataFact]
    public async Task Missing_td_quote_and_foreign_hcl_report_are_refused()
    {
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock, tdxQuoteVerifier: new RecordingTdxVerifier());
        JsonObject container = TdxContainer(TestData.Bytes("attestation/tdx/trustee_azure_tdx_td-quote_v4.bin"));
        container.Remove("td_quote");
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(AzureCvmTestData.Utf8(container), AzureCvmTestData.Nonce));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);

        // A TDREPORT whose report data does not match the runtime claims (flip one byte of it).
        container = TdxContainer(TestData.Bytes("attestation/tdx/trustee_azure_tdx_td-quote_v4.bin"));
        byte[] hcl = Convert.FromBase64String(container["hcl_report"]!.GetValue<string>());
        hcl[32 + 128] ^= 1;
        container["hcl_report"] = Convert.ToBase64String(hcl);
        e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(AzureCvmTestData.Utf8(container), AzureCvmTestData.Nonce));
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, e.Kind);
    }

    private static JsonObject TdxContainer(byte[] tdQuote)
    {
        JsonObject container = AzureCvmTestData.Container();
        container.Remove("vcek");
        container["hcl_report"] = Convert.ToBase64String(TestData.Bytes("attestation/tdx/trustee_azure_tdx_hcl-report.bin"));
        container["td_quote"] = Convert.ToBase64String(tdQuote);
        return container;
    }

    private sealed class RecordingTdxVerifier : IEvidenceVerifier
    {
        public byte[]? Evidence { get; private set; }

        public byte[]? ExpectedReportData { get; private set; }

        public string EvidenceType => "tdx-dcap";

        public ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default)
        {
            Evidence = evidence.ToArray();
            ExpectedReportData = expectedReportData.ToArray();
            return new(new VerifiedEvidence { Tee = TeeType.Tdx, ReportData = ExpectedReportData, TcbStatus = TcbStatus.UpToDate, Debug = false });
        }
    }
}
