using System.Text;
using System.Text.Json.Nodes;
using Kms.Attestation.Azure;
using Kms.Attestation.Tests.Snp;

namespace Kms.Attestation.Tests.Azure;

public sealed class AzureCvmEvidenceVerifierTests
{
    [TestDataFact]
    public async Task Verifies_trustee_genoa_vtpm_evidence_end_to_end()
    {
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock);

        VerifiedEvidence evidence = await verifier.VerifyAsync(AzureCvmTestData.Utf8(AzureCvmTestData.Container()), AzureCvmTestData.Nonce);

        Assert.Equal(TeeType.AzureSevSnp, evidence.Tee);
        Assert.Equal(AzureCvmTestData.Nonce, evidence.ReportData.ToArray());
        Assert.Equal("Genoa", evidence.PlatformIds["processor_family"]);
        Assert.Equal(24, evidence.Azure!.Pcrs.Count);
        Assert.Equal("ede30a99ce9841adc859ec7b154a37bb1860910b4c0aa9ea93a9a9b4227bac21", Convert.ToHexStringLower(evidence.Azure.Pcrs[9].Span));
        Assert.Contains("HCLAkPub", evidence.Azure.AttestationKeyJwk);
        Assert.NotNull(evidence.Snp);
    }

    [TestDataFact]
    public async Task Every_broken_link_is_refused_with_its_kind()
    {
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock);
        byte[] nonce = AzureCvmTestData.Nonce;

        // Wrong nonce.
        await AssertKind(AttestationFailureKind.ReportDataMismatch, verifier, AzureCvmTestData.Container(), [.. nonce[..^1], (byte)(nonce[^1] ^ 1)]);

        // A PCR value that is not the quoted one.
        JsonObject container = AzureCvmTestData.Container();
        container["tpm_quote"]!["pcrs"]!["11"] = new string('0', 63) + "1";
        await AssertKind(AttestationFailureKind.BadSignature, verifier, container, nonce);

        // A flipped TPM signature byte.
        container = AzureCvmTestData.Container();
        byte[] signature = Convert.FromBase64String(container["tpm_quote"]!["signature"]!.GetValue<string>());
        signature[10] ^= 1;
        container["tpm_quote"]!["signature"] = Convert.ToBase64String(signature);
        await AssertKind(AttestationFailureKind.BadSignature, verifier, container, nonce);

        // Runtime claims changed after the SNP report hashed them (user-data flipped inside the HCL report).
        container = AzureCvmTestData.Container();
        byte[] hcl = Convert.FromBase64String(container["hcl_report"]!.GetValue<string>());
        int userData = Encoding.ASCII.GetString(hcl).IndexOf("\"user-data\":\"0", StringComparison.Ordinal) + 14;
        hcl[userData] = (byte)'1';
        container["hcl_report"] = Convert.ToBase64String(hcl);
        await AssertKind(AttestationFailureKind.ReportDataMismatch, verifier, container, nonce);

        // A flipped byte of the signed SNP report.
        container = AzureCvmTestData.Container();
        hcl = Convert.FromBase64String(container["hcl_report"]!.GetValue<string>());
        hcl[32 + 0x90] ^= 1;
        container["hcl_report"] = Convert.ToBase64String(hcl);
        await AssertKind(AttestationFailureKind.BadSignature, verifier, container, nonce);

        // The wrong VCEK.
        container = AzureCvmTestData.Container();
        container["vcek"] = Convert.ToBase64String(SnpTestData.MilanVcek);
        await AssertKind(AttestationFailureKind.UntrustedChain, verifier, container, nonce);

        // No VCEK and no collateral source.
        container = AzureCvmTestData.Container();
        container.Remove("vcek");
        await AssertKind(AttestationFailureKind.MissingCollateral, verifier, container, nonce);

        // A PCR the policy requires that the quote does not cover.
        var strict = new AzureCvmEvidenceVerifier(new AzureCvmPolicy { RequiredPcrs = [4, 9, 11, 24] }, SnpTestData.Clock);
        await AssertKind(AttestationFailureKind.PolicyViolation, strict, AzureCvmTestData.Container(), nonce);

        // SNP policy applies to the inner report.
        var measured = new AzureCvmEvidenceVerifier(new AzureCvmPolicy { Snp = new Kms.Attestation.Snp.SnpPolicy { AllowedMeasurements = [new byte[48]] } }, SnpTestData.Clock);
        await AssertKind(AttestationFailureKind.PolicyViolation, measured, AzureCvmTestData.Container(), nonce);
    }

    [TestDataFact]
    public async Task Takes_the_vcek_from_the_collateral_source_when_the_evidence_has_none()
    {
        JsonObject container = AzureCvmTestData.Container();
        container.Remove("vcek");
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock, new GenoaVcekSource(), revocation: new Kms.Attestation.Snp.AmdRevocationOptions { AllowMissingCrl = true });
        VerifiedEvidence evidence = await verifier.VerifyAsync(AzureCvmTestData.Utf8(container), AzureCvmTestData.Nonce);
        Assert.Equal("Genoa", evidence.PlatformIds["processor_family"]);
        Assert.Equal("missing", evidence.PlatformIds["amd_crl"]);

        // By default a collateral source without the AMD CRL fails closed.
        var strict = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock, new GenoaVcekSource());
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await strict.VerifyAsync(AzureCvmTestData.Utf8(container), AzureCvmTestData.Nonce));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);
    }

    [TestDataTheory]
    [InlineData(0x01A6, AttestationFailureKind.BadSignature)]       // REPORTED_TCB byte of the SNP report (trustee: "SNP version mismatch")
    [InlineData(0x06E0, AttestationFailureKind.ReportDataMismatch)] // runtime-claims JSON (trustee: "report_data mismatch")
    [InlineData(0x0540, AttestationFailureKind.ReportDataMismatch)] // inside HCLAkPub (trustee: "Failed to get AKpub")
    public async Task Trustee_mutation_offsets_are_refused(int offset, AttestationFailureKind kind)
    {
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock);
        JsonObject container = AzureCvmTestData.Container();
        byte[] hcl = Convert.FromBase64String(container["hcl_report"]!.GetValue<string>());
        hcl[offset] = (byte)(hcl[offset] == 0 ? 1 : 0);
        container["hcl_report"] = Convert.ToBase64String(hcl);
        await AssertKind(kind, verifier, container, AzureCvmTestData.Nonce);
    }

    [TestDataFact]
    public async Task Azure_tdx_evidence_without_a_tdx_verifier_is_refused_explicitly()
    {
        var verifier = new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), SnpTestData.Clock);
        JsonObject container = AzureCvmTestData.Container();
        container["hcl_report"] = Convert.ToBase64String(TestData.Bytes("attestation/tdx/trustee_azure_tdx_hcl-report.bin"));
        container["td_quote"] = Convert.ToBase64String(TestData.Bytes("attestation/tdx/trustee_azure_tdx_td-quote_v4.bin"));
        await AssertKind(AttestationFailureKind.UnsupportedVersion, verifier, container, AzureCvmTestData.Nonce);
    }

    [TestDataFact]
    public void Container_parsing_is_strict()
    {
        foreach (string bad in new[]
        {
            "", "[]", "{}", "{\"hcl_report\":\"AA==\"}",
            "{\"hcl_report\":\"AA==\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{}},\"extra\":1}",
            "{\"hcl_report\":\"AA==\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{\"04\":\"00\"}}}",
            "{\"hcl_report\":\"AA==\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{\"4\":\"00\"}}}",
            "{\"hcl_report\":\"AA==\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{\"24\":\"" + new string('0', 64) + "\"}}}",
            "{\"hcl_report\":\"not base64\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{}}}",
            "{\"hcl_report\":\"AA==\",\"hcl_report\":\"AA==\",\"tpm_quote\":{\"message\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{}}}",
        })
        {
            AttestationException e = Assert.Throws<AttestationException>(() => AzureCvmEvidence.Parse(Encoding.UTF8.GetBytes(bad)));
            Assert.Equal(AttestationFailureKind.Malformed, e.Kind);
        }

        Assert.NotNull(AzureCvmEvidence.Parse(AzureCvmTestData.Utf8(AzureCvmTestData.Container())));
    }

    private sealed class GenoaVcekSource : ICollateralSource
    {
        public ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken) =>
            new(processorFamily == "Genoa" ? SnpTestData.GenoaVcek : (ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);


        public ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken) => new((string?)null);
    }

    private static async Task AssertKind(AttestationFailureKind kind, AzureCvmEvidenceVerifier verifier, JsonObject container, byte[] nonce)
    {
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(AzureCvmTestData.Utf8(container), nonce));
        Assert.Equal(kind, e.Kind);
    }
}
