using Kms.Attestation.Snp;

namespace Kms.Attestation.Tests.Snp;

public sealed class SnpReportVerifierTests
{
    private static readonly SnpPolicy s_allowDebug = new() { AllowDebug = true };

    [TestDataFact]
    public void Verifies_go_sev_guest_milan_report_with_its_vcek()
    {
        var verifier = new SnpReportVerifier(s_allowDebug, SnpTestData.Clock);
        byte[] expected = [1, 2, 3, 4, 5];

        VerifiedEvidence evidence = verifier.Verify(SnpTestData.MilanReport, SnpTestData.MilanVcek, expected);

        Assert.Equal(TeeType.SevSnp, evidence.Tee);
        Assert.True(evidence.Debug);
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
        Assert.Equal("Milan", evidence.PlatformIds["processor_family"]);
        Assert.Equal("vcek", evidence.PlatformIds["signing_key"]);
        Assert.StartsWith("3ac3fe21e13fb099", evidence.PlatformIds["chip_id"]);
        Assert.NotNull(evidence.Snp);
    }

    [TestDataFact]
    public void Verifies_trustee_azure_genoa_v3_report_with_its_vcek()
    {
        var verifier = new SnpReportVerifier(SnpPolicy.Default, SnpTestData.Clock);
        byte[] report = SnpTestData.GenoaReport;

        VerifiedEvidence evidence = verifier.Verify(report, SnpTestData.GenoaVcek, SnpTestData.ReportDataOf(report));

        Assert.Equal("Genoa", evidence.PlatformIds["processor_family"]);
        Assert.False(evidence.Debug);
        Assert.Equal("b581f12e29a2d7d64e5e0b738d563879a78b51c644d0fa0cce02b48699f6bf5f", Convert.ToHexStringLower(evidence.ReportData.Span[..32]));
    }

    [TestDataTheory]
    [InlineData("attestation/sev-snp/trustee_test-report_milan_v2.bin", "attestation/sev-snp/trustee_test-vcek_milan.der", "2025-06-01T00:00:00Z", "vcek")]
    [InlineData("attestation/sev-snp/virtee_report_milan_v2.bin", "attestation/sev-snp/virtee_vcek_milan.der", "2025-06-01T00:00:00Z", "vcek")]
    [InlineData("attestation/sev-snp/trustee_test-vlek-report_milan_v3_aws.bin", "attestation/sev-snp/trustee_test-vlek_milan_aws.der", "2025-06-01T00:00:00Z", "vlek")]
    public void Verifies_other_published_reports(string reportPath, string certificatePath, string at, string signingKey)
    {
        var verifier = new SnpReportVerifier(SnpPolicy.Default, FixedTimeProvider.At(at));
        byte[] report = TestData.Bytes(reportPath);

        VerifiedEvidence evidence = verifier.Verify(report, TestData.Bytes(certificatePath), SnpTestData.ReportDataOf(report));

        Assert.Equal(signingKey, evidence.PlatformIds["signing_key"]);
        Assert.Equal("Milan", evidence.PlatformIds["processor_family"]);
    }

    [TestDataFact]
    public void Default_policy_refuses_a_debug_guest()
    {
        var verifier = new SnpReportVerifier(SnpPolicy.Default, SnpTestData.Clock);
        AssertKind(AttestationFailureKind.DebugNotAllowed, () => verifier.Verify(SnpTestData.MilanReport, SnpTestData.MilanVcek, [1, 2, 3, 4, 5]));
    }

    [TestDataFact]
    public void Wrong_report_data_is_refused()
    {
        var verifier = new SnpReportVerifier(s_allowDebug, SnpTestData.Clock);
        AssertKind(AttestationFailureKind.ReportDataMismatch, () => verifier.Verify(SnpTestData.MilanReport, SnpTestData.MilanVcek, [1, 2, 3, 4, 6]));
        AssertKind(AttestationFailureKind.ReportDataMismatch, () => verifier.Verify(SnpTestData.MilanReport, SnpTestData.MilanVcek, [1, 2, 3, 4]));
    }

    [TestDataFact]
    public void Policy_checks_refuse_with_precise_kinds()
    {
        byte[] report = SnpTestData.GenoaReport;
        byte[] vcek = SnpTestData.GenoaVcek;
        byte[] rd = SnpTestData.ReportDataOf(report);

        AssertKind(AttestationFailureKind.TcbNotAcceptable, () => Verifier(new SnpPolicy { MinimumTcb = new SnpTcbVersion(0x0A, 0, 0x18, 0x54) }).Verify(report, vcek, rd));
        AssertKind(AttestationFailureKind.TcbNotAcceptable, () => Verifier(new SnpPolicy { MinimumTcb = new SnpTcbVersion(0, 0, 0, 0x55) }).Verify(report, vcek, rd));
        AssertKind(AttestationFailureKind.PolicyViolation, () => Verifier(new SnpPolicy { AllowedChipIds = [new byte[64]] }).Verify(report, vcek, rd));
        AssertKind(AttestationFailureKind.PolicyViolation, () => Verifier(new SnpPolicy { AllowedMeasurements = [new byte[48]] }).Verify(report, vcek, rd));
        AssertKind(AttestationFailureKind.PolicyViolation, () => Verifier(new SnpPolicy { AllowedHostData = [Enumerable.Repeat((byte)1, 32).ToArray()] }).Verify(report, vcek, rd));

        var exact = new SnpPolicy
        {
            MinimumTcb = new SnpTcbVersion(0x0A, 0, 0x17, 0x54),
            MaximumVmpl = 0,
            AllowedChipIds = [report.AsMemory(0x1A0, 64)],
            AllowedMeasurements = [report.AsMemory(0x90, 48)],
            AllowedHostData = [new byte[32]],
        };
        Assert.NotNull(Verifier(exact).Verify(report, vcek, rd));
    }

    [TestDataFact]
    public void Vmpl_above_the_maximum_is_refused()
    {
        byte[] report = TestData.Bytes("attestation/sev-snp/trustee_test-vlek-report_milan_v3_aws.bin");
        byte[] vlek = TestData.Bytes("attestation/sev-snp/trustee_test-vlek_milan_aws.der");
        AssertKind(AttestationFailureKind.PolicyViolation, () => Verifier(new SnpPolicy { MaximumVmpl = 0 }).Verify(report, vlek, SnpTestData.ReportDataOf(report)));
    }

    [TestDataFact]
    public void Any_flipped_signed_byte_is_refused()
    {
        var verifier = new SnpReportVerifier(s_allowDebug, SnpTestData.Clock);
        byte[] valid = SnpTestData.GenoaReport;
        byte[] vcek = SnpTestData.GenoaVcek;
        for (int offset = 0; offset < SnpReport.SignedLength; offset++)
        {
            byte[] report = (byte[])valid.Clone();
            report[offset] ^= 0x01;
            AttestationException e = Assert.Throws<AttestationException>(() => verifier.Verify(report, vcek, SnpTestData.ReportDataOf(report)));
            bool inPlainField = offset is (>= 0x50 and < 0x180) or (>= 0x1A0 and < 0x1E0);
            if (inPlainField)
            {
                Assert.Equal(AttestationFailureKind.BadSignature, e.Kind);
            }
        }
    }

    [TestDataFact]
    public void Flipped_signature_bytes_are_refused()
    {
        var verifier = new SnpReportVerifier(SnpPolicy.Default, SnpTestData.Clock);
        byte[] valid = SnpTestData.GenoaReport;
        foreach (int offset in new[] { 0x2A0, 0x2A0 + 20, 0x2A0 + 47, 0x2A0 + 72, 0x2A0 + 72 + 47 })
        {
            byte[] report = (byte[])valid.Clone();
            report[offset] ^= 0x80;
            AssertKind(AttestationFailureKind.BadSignature, () => verifier.Verify(report, SnpTestData.GenoaVcek, SnpTestData.ReportDataOf(report)));
        }
    }

    [TestDataFact]
    public void Broken_chains_are_refused()
    {
        byte[] report = SnpTestData.GenoaReport;
        byte[] rd = SnpTestData.ReportDataOf(report);
        var verifier = new SnpReportVerifier(SnpPolicy.Default, SnpTestData.Clock);

        // A VCEK whose signed part was altered no longer chains to the ASK.
        byte[] tampered = SnpTestData.GenoaVcek;
        tampered[tampered.Length - 600] ^= 0x01;
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(report, tampered, rd));

        // A genuine Milan VCEK for a Genoa report (CPUID says Genoa).
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(report, SnpTestData.MilanVcek, rd));

        // A genuine Milan VCEK of another chip for a Milan report: signature fails.
        byte[] milan = TestData.Bytes("attestation/sev-snp/trustee_test-report_milan_v2.bin");
        AttestationException e = Assert.Throws<AttestationException>(() => verifier.Verify(milan, SnpTestData.MilanVcek, SnpTestData.ReportDataOf(milan)));
        Assert.Equal(AttestationFailureKind.BadSignature, e.Kind);

        // A VCEK presented for a VLEK-signed report does not chain to the ASVK.
        byte[] aws = TestData.Bytes("attestation/sev-snp/trustee_test-vlek-report_milan_v3_aws.bin");
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(aws, SnpTestData.MilanVcek, SnpTestData.ReportDataOf(aws)));

        // An ARK is not a VCEK.
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(report, SnpTestData.PemToDer(AmdRootCertificates.ArkGenoa), rd));

        // Garbage certificate.
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(report, [0x30, 0x03, 0x02, 0x01, 0x01], rd));
        AssertKind(AttestationFailureKind.MissingCollateral, () => verifier.Verify(report, [], rd));
    }

    [TestDataFact]
    public void Certificates_outside_their_validity_are_refused()
    {
        byte[] report = SnpTestData.GenoaReport;
        var before = new SnpReportVerifier(SnpPolicy.Default, FixedTimeProvider.At("2025-01-01T00:00:00Z"));
        var after = new SnpReportVerifier(SnpPolicy.Default, FixedTimeProvider.At("2032-02-01T00:00:00Z"));
        AssertKind(AttestationFailureKind.ExpiredCollateral, () => before.Verify(report, SnpTestData.GenoaVcek, SnpTestData.ReportDataOf(report)));
        AssertKind(AttestationFailureKind.ExpiredCollateral, () => after.Verify(report, SnpTestData.GenoaVcek, SnpTestData.ReportDataOf(report)));
    }

    [TestDataFact]
    public void Pinned_arks_match_the_published_cert_chains()
    {
        foreach ((SnpProcessorFamily family, string file) in new[]
        {
            (SnpProcessorFamily.Milan, "amd_ask_ark_milan.pem"),
            (SnpProcessorFamily.Genoa, "amd_ask_ark_genoa.pem"),
            (SnpProcessorFamily.Turin, "amd_ask_ark_turin_vcek.pem"),
        })
        {
            var published = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            published.ImportFromPem(TestData.Text("attestation/certs/" + file));
            AmdFamilyChain chain = AmdRootCertificates.For(family);
            Assert.Equal(published[1].RawData, chain.Ark.Der);
            Assert.Equal(published[0].RawData, chain.Ask.Der);
        }
    }

    [TestDataFact]
    public void Turin_vcek_chains_to_the_turin_ask_with_an_8_byte_hwid()
    {
        using SnpEndorsementKey key = SnpEndorsementKey.Create(TestData.Bytes("attestation/sev-snp/virtee_vcek_turin.der"), SnpSigningKey.Vcek);
        Assert.Equal(SnpProcessorFamily.Turin, key.Family);
        Assert.Equal("1e550a8ee5cf9f4d", Convert.ToHexStringLower(key.HwId!));
        Assert.Equal(new SnpTcbVersion(BootLoader: 0, Tee: 0, Snp: 0, Microcode: 9, Fmc: 0), key.Tcb);
    }

    [TestDataFact]
    public void Mutated_endorsement_certificates_fail_only_with_typed_errors()
    {
        byte[] valid = SnpTestData.GenoaVcek;
        var random = new Random(31337);
        for (int i = 0; i < 400; i++)
        {
            byte[] der = (byte[])valid.Clone();
            der[random.Next(der.Length)] ^= (byte)(1 << random.Next(8));
            if (random.Next(4) == 0)
            {
                der = der.AsSpan(0, random.Next(der.Length)).ToArray();
            }

            AttestationException e = Assert.Throws<AttestationException>(() => SnpEndorsementKey.Create(der, SnpSigningKey.Vcek).Dispose());
            Assert.Equal(AttestationFailureKind.UntrustedChain, e.Kind);
        }
    }

    [Fact]
    public void A_substituted_ark_is_refused_by_the_pin()
    {
        AttestationException e = Assert.Throws<AttestationException>(
            () => AmdRootCertificates.Load(SnpProcessorFamily.Milan, AmdRootCertificates.ArkGenoa, AmdRootCertificates.AskGenoa, AmdRootCertificates.AsvkGenoa));
        Assert.Equal(AttestationFailureKind.UntrustedChain, e.Kind);
        e = Assert.Throws<AttestationException>(
            () => AmdRootCertificates.Load(SnpProcessorFamily.Milan, AmdRootCertificates.ArkMilan, AmdRootCertificates.AskGenoa, AmdRootCertificates.AsvkMilan));
        Assert.Equal(AttestationFailureKind.UntrustedChain, e.Kind);
    }

    [TestDataFact]
    public async Task Evidence_verifier_uses_the_appended_certificate_or_the_collateral_source()
    {
        byte[] report = SnpTestData.GenoaReport;
        byte[] rd = SnpTestData.ReportDataOf(report);
        var withCert = new SnpEvidenceVerifier(SnpPolicy.Default, SnpTestData.Clock);
        VerifiedEvidence evidence = await withCert.VerifyAsync(report.Concat(SnpTestData.GenoaVcek).ToArray(), rd);
        Assert.Equal(TeeType.SevSnp, evidence.Tee);
        Assert.Equal("not-checked", evidence.PlatformIds["amd_crl"]);

        var noSource = new SnpEvidenceVerifier(SnpPolicy.Default, SnpTestData.Clock);
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await noSource.VerifyAsync(report, rd));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);

        var source = new VcekOnlyCollateral("Genoa", SnpTestData.GenoaVcek);
        var withSource = new SnpEvidenceVerifier(SnpPolicy.Default, SnpTestData.Clock, source, new AmdRevocationOptions { AllowMissingCrl = true });
        Assert.Equal("missing", (await withSource.VerifyAsync(report, rd)).PlatformIds["amd_crl"]);

        // The production default: a collateral source without the family's CRL fails closed.
        e = await Assert.ThrowsAsync<AttestationException>(async () => await new SnpEvidenceVerifier(SnpPolicy.Default, SnpTestData.Clock, source).VerifyAsync(report, rd));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);
        Assert.Contains("Genoa VCEK CRL", e.Message, StringComparison.Ordinal);

        var wrongFamily = new SnpEvidenceVerifier(SnpPolicy.Default, SnpTestData.Clock, new VcekOnlyCollateral("Milan", SnpTestData.GenoaVcek));
        e = await Assert.ThrowsAsync<AttestationException>(async () => await wrongFamily.VerifyAsync(report, rd));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);
    }

    private static SnpReportVerifier Verifier(SnpPolicy policy) => new(policy, SnpTestData.Clock);

    private static void AssertKind(AttestationFailureKind kind, Action action)
    {
        AttestationException e = Assert.Throws<AttestationException>(action);
        Assert.Equal(kind, e.Kind);
    }

    private sealed class VcekOnlyCollateral(string family, byte[] vcek) : ICollateralSource
    {
        public ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken) =>
            new(processorFamily == family ? vcek : (ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);


        public ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken) => new((string?)null);
    }
}
