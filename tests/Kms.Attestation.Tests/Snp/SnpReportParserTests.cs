using Kms.Attestation.Snp;

namespace Kms.Attestation.Tests.Snp;

public sealed class SnpReportParserTests
{
    [TestDataFact]
    public void Parses_go_sev_guest_milan_v2_report()
    {
        SnpReport report = SnpReport.Parse(SnpTestData.MilanReport);
        SnpMeasurements m = report.Measurements;

        Assert.Equal(2u, m.Version);
        Assert.Equal(0xB0000UL, m.Policy);
        Assert.True(report.DebugAllowed);
        Assert.Equal(0u, m.Vmpl);
        Assert.Equal(SnpSigningKey.Vcek, report.SigningKey);
        Assert.Equal("0102030405", Convert.ToHexStringLower(report.ReportData[..5]));
        Assert.False(report.ReportData[5..].ContainsAnyExcept((byte)0));
        Assert.Equal(
            "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01",
            Convert.ToHexStringLower(m.Measurement.Span));
        Assert.Equal(0x4405000000000002UL, m.ReportedTcb);
        Assert.Equal(new SnpTcbVersion(BootLoader: 2, Tee: 0, Snp: 5, Microcode: 0x44), SnpTcbVersion.FromRaw(m.ReportedTcb, SnpProcessorFamily.Milan));
        Assert.StartsWith("3ac3fe21e13fb099", Convert.ToHexStringLower(m.ChipId.Span));
        Assert.Null(m.CpuidFamily);
        Assert.Null(report.CpuidProcessorFamily());
    }

    [TestDataFact]
    public void Parses_trustee_azure_genoa_v3_report_with_cpuid()
    {
        SnpReport report = SnpReport.Parse(SnpTestData.GenoaReport);
        SnpMeasurements m = report.Measurements;

        Assert.Equal(3u, m.Version);
        Assert.Equal((byte)0x19, m.CpuidFamily);
        Assert.Equal((byte)0x11, m.CpuidModel);
        Assert.Equal((byte)0x01, m.CpuidStepping);
        Assert.Equal(SnpProcessorFamily.Genoa, report.CpuidProcessorFamily());
        Assert.False(report.DebugAllowed);
        Assert.Equal(
            "f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae",
            Convert.ToHexStringLower(m.Measurement.Span));
        Assert.Equal(new SnpTcbVersion(BootLoader: 0x0A, Tee: 0, Snp: 0x17, Microcode: 0x54), SnpTcbVersion.FromRaw(m.ReportedTcb, SnpProcessorFamily.Genoa));
    }

    [Fact]
    public void Turin_tcb_layout_puts_fmc_first()
    {
        // bytes: fmc=1, bl=2, tee=3, snp=4, reserved x3, ucode=5
        ulong raw = 0x0500000004030201UL;
        Assert.Equal(new SnpTcbVersion(BootLoader: 2, Tee: 3, Snp: 4, Microcode: 5, Fmc: 1), SnpTcbVersion.FromRaw(raw, SnpProcessorFamily.Turin));
        Assert.Equal(new SnpTcbVersion(BootLoader: 1, Tee: 2, Snp: 0, Microcode: 5), SnpTcbVersion.FromRaw(raw, SnpProcessorFamily.Milan));
    }

    [TestDataTheory]
    [InlineData(0x00, 0x05, AttestationFailureKind.UnsupportedVersion)] // version 5
    [InlineData(0x34, 0x02, AttestationFailureKind.UnsupportedVersion)] // signature algorithm
    [InlineData(0x4C, 0x01, AttestationFailureKind.Malformed)]          // reserved
    [InlineData(0x190, 0x01, AttestationFailureKind.Malformed)]         // reserved after REPORTED_TCB
    [InlineData(0x200, 0x01, AttestationFailureKind.Malformed)]         // reserved before signature
    [InlineData(0x2A0 + 50, 0x01, AttestationFailureKind.Malformed)]    // high bytes of R
    [InlineData(0x4A0 - 1, 0x01, AttestationFailureKind.Malformed)]     // reserved after signature
    [InlineData(0x30, 0x04, AttestationFailureKind.Malformed)]          // VMPL 4
    [InlineData(0x48, 0x08, AttestationFailureKind.Malformed)]          // SIGNING_KEY = 2 (reserved)
    [InlineData(0x48, 0x1C, AttestationFailureKind.BadSignature)]       // SIGNING_KEY = 7 (none)
    public void Rejects_structural_violations(int offset, byte value, AttestationFailureKind kind)
    {
        byte[] report = SnpTestData.MilanReport;
        report[offset] = value;
        AttestationException e = Assert.Throws<AttestationException>(() => SnpReport.Parse(report));
        Assert.Equal(kind, e.Kind);
    }

    [Fact]
    public void Rejects_wrong_lengths()
    {
        foreach (int length in new[] { 0, 1, 1183, 1185, 4096 })
        {
            AttestationException e = Assert.Throws<AttestationException>(() => SnpReport.Parse(new byte[length]));
            Assert.Equal(AttestationFailureKind.Malformed, e.Kind);
        }
    }

    [TestDataFact]
    public void Fuzzed_reports_fail_only_with_typed_errors()
    {
        var random = new Random(20261121);
        byte[] valid = SnpTestData.MilanReport;
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = (i % 3) switch
            {
                0 => RandomBytes(random, SnpReport.Size),
                1 => Mutate(random, valid),
                _ => valid.AsSpan(0, random.Next(valid.Length)).ToArray(),
            };
            try
            {
                SnpReport.Parse(input);
            }
            catch (AttestationException)
            {
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        // Half the time keep a plausible header so parsing gets deeper.
        if (random.Next(2) == 0)
        {
            bytes[0] = 2;
            bytes[1] = bytes[2] = bytes[3] = 0;
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] copy = (byte[])valid.Clone();
        int flips = random.Next(1, 4);
        for (int j = 0; j < flips; j++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }
}
