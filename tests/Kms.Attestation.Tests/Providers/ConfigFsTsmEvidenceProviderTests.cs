using System.Text;
using Kms.Attestation.Providers;

namespace Kms.Attestation.Tests.Providers;

/// <summary>
/// The configfs-tsm provider against a temporary directory laid out like /sys/kernel/config/tsm/report, with the test
/// acting as the kernel at each step.
/// </summary>
// This machine has no TEE: a directory with configfs-tsm's attribute files is the closest real thing to test against.
public sealed class ConfigFsTsmEvidenceProviderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kms-configfs-tsm-").FullName;

    [Fact]
    public async Task Tdx_WritesThePaddedReportData_AndReturnsTheOutblobOfThatWrite()
    {
        byte[] written = [];
        ConfigFsTsmEvidenceProvider provider = Provider(tdx: true, new FakeKernel("tdx_guest")
        {
            OnInblob = (entry, inblob) => written = inblob,
        });

        byte[] evidence = await provider.GetEvidenceAsync(new byte[] { 1, 2, 3 });

        Assert.Equal("tdx-dcap", provider.EvidenceType);
        Assert.Equal(64, written.Length);
        Assert.Equal(new byte[] { 1, 2, 3 }, written[..3]);
        Assert.All(written[3..], b => Assert.Equal(0, b));
        Assert.Equal([.. "QUOTE"u8, .. written], evidence);
    }

    [Fact]
    public async Task SevSnp_WritesThePrivilegeLevel_AndReturnsTheReportAlone_WithoutACertificateTable()
    {
        var kernel = new FakeKernel("sev_guest") { Outblob = SnpReport };
        ConfigFsTsmEvidenceProvider provider = Provider(tdx: false, kernel, new ConfigFsTsmOptions { PrivilegeLevel = 2 });

        byte[] evidence = await provider.GetEvidenceAsync(new byte[] { 9, 8, 7 });

        Assert.Equal("sev-snp", provider.EvidenceType);
        Assert.Equal("2", kernel.PrivilegeLevelWritten);
        Assert.Equal(0x4A0, evidence.Length);
        Assert.Equal(new byte[] { 9, 8, 7 }, evidence[0x50..0x53]);
    }

    [Theory]
    [InlineData(0, "vcek")]
    [InlineData(1, "vlek")]
    public async Task SevSnp_AppendsTheCertificateOfTheSigningKey_FromTheAuxblobTable(int signingKey, string expected)
    {
        byte[] table = CertificateTable(
            (SnpCertificateTable.VlekGuid.ToArray(), "vlek"u8.ToArray()),
            (Enumerable.Repeat((byte)0x11, 16).ToArray(), "ask"u8.ToArray()),
            (SnpCertificateTable.VcekGuid.ToArray(), "vcek"u8.ToArray()));
        var kernel = new FakeKernel("sev_guest")
        {
            Outblob = inblob => SnpReport(inblob, signingKey),
            Auxblob = table,
        };

        byte[] evidence = await Provider(tdx: false, kernel).GetEvidenceAsync(new byte[64]);

        Assert.Equal(0x4A0 + 4, evidence.Length);
        Assert.Equal(expected, Encoding.ASCII.GetString(evidence, 0x4A0, 4));
    }

    [TestDataFact]
    public async Task SevSnp_ARealReportAndVcekFromConfigFs_IsEvidenceTheSnpVerifierAccepts()
    {
        byte[] report = Snp.SnpTestData.GenoaReport;
        var kernel = new FakeKernel("sev_guest")
        {
            Outblob = _ => report,
            Auxblob = CertificateTable((SnpCertificateTable.VcekGuid.ToArray(), Snp.SnpTestData.GenoaVcek)),
        };

        byte[] evidence = await Provider(tdx: false, kernel).GetEvidenceAsync(Snp.SnpTestData.ReportDataOf(report));

        var verifier = new Kms.Attestation.Snp.SnpEvidenceVerifier(Kms.Attestation.Snp.SnpPolicy.Default, Snp.SnpTestData.Clock);
        VerifiedEvidence verified = await verifier.VerifyAsync(evidence, Snp.SnpTestData.ReportDataOf(report));
        Assert.Equal(TeeType.SevSnp, verified.Tee);
    }

    [Fact]
    public async Task SevSnp_MalformedTableOrReport_IsRefused()
    {
        byte[] outside = CertificateTable((SnpCertificateTable.VcekGuid.ToArray(), "vcek"u8.ToArray()));
        outside[20] = 0xFF; // length far past the buffer
        EvidenceProviderException table = await Assert.ThrowsAsync<EvidenceProviderException>(() =>
            Provider(false, new FakeKernel("sev_guest") { Outblob = SnpReport, Auxblob = outside }).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, table.Failure);

        EvidenceProviderException report = await Assert.ThrowsAsync<EvidenceProviderException>(() =>
            Provider(false, new FakeKernel("sev_guest")).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, report.Failure);
        Assert.Contains("1184", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateTable_Fuzzed_YieldsACertificateNothingOrTheProvidersError()
    {
        byte[] valid = CertificateTable(
            (SnpCertificateTable.VcekGuid.ToArray(), new byte[100]), (SnpCertificateTable.VlekGuid.ToArray(), new byte[50]));
        Assert.Equal(100, SnpCertificateTable.Find(valid, SnpCertificateTable.VcekGuid)!.Length);
        Assert.Null(SnpCertificateTable.Find(CertificateTable(), SnpCertificateTable.VcekGuid));
        Assert.Throws<EvidenceProviderException>(() => SnpCertificateTable.Find(new byte[23], SnpCertificateTable.VcekGuid));
        Assert.Throws<EvidenceProviderException>(() => SnpCertificateTable.Find(
            CertificateTable((SnpCertificateTable.VcekGuid.ToArray(), [1]), (SnpCertificateTable.VcekGuid.ToArray(), [2])), SnpCertificateTable.VcekGuid));
        var random = new Random(4360);
        for (int i = 0; i < 20000; i++)
        {
            byte[] input = i % 4 == 0 ? RandomBytes(random, random.Next(0, 200)) : valid.ToArray();
            if (i % 4 != 0)
            {
                for (int j = random.Next(1, 4); j > 0; j--)
                {
                    input[random.Next(Math.Min(input.Length, 80))] = (byte)random.Next(256);
                }
            }

            try
            {
                byte[]? found = SnpCertificateTable.Find(input, SnpCertificateTable.VcekGuid);
                Assert.True(found is null || found.Length <= input.Length);
            }
            catch (EvidenceProviderException exception)
            {
                Assert.Equal(EvidenceProviderFailure.MalformedOutput, exception.Failure);
            }
        }
    }

    [Theory]
    [InlineData(true, "sev_guest")]
    [InlineData(false, "tdx_guest")]
    [InlineData(true, "")]
    [InlineData(true, "tdx_guest_v2")]
    public async Task AnotherTeesProvider_IsRefused(bool tdx, string provider)
    {
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(tdx, new FakeKernel(provider)).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.WrongTee, error.Failure);
    }

    [Theory]
    [InlineData(0)] // the kernel did not count our write
    [InlineData(2)] // someone else wrote too
    [InlineData(5)]
    public async Task AGenerationThatDidNotMoveByExactlyOne_IsConcurrentUse(int step)
    {
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(tdx: true, new FakeKernel("tdx_guest") { GenerationStep = step }).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.ConcurrentUse, error.Failure);
    }

    [Fact]
    public async Task AWriteBetweenOutblobAndTheSecondGenerationRead_IsConcurrentUse()
    {
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(tdx: true, new FakeKernel("tdx_guest") { WriteAfterOutblobRead = true }).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.ConcurrentUse, error.Failure);
    }

    [Fact]
    public async Task EmptyOrOversizedOutblob_IsMalformed()
    {
        EvidenceProviderException empty = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(tdx: true, new FakeKernel("tdx_guest") { Outblob = _ => [] }).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, empty.Failure);

        var options = new ConfigFsTsmOptions { MaxOutblobBytes = 4096 };
        Assert.Equal(4096, (await Provider(true, new FakeKernel("tdx_guest") { Outblob = _ => new byte[4096] }, options).GetEvidenceAsync(new byte[64])).Length);
        EvidenceProviderException oversized = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(true, new FakeKernel("tdx_guest") { Outblob = _ => new byte[4097] }, options).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, oversized.Failure);
        Assert.Contains("larger than 4096", oversized.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999999")]
    [InlineData("12 ")]
    public async Task AGenerationThatIsNotACounter_IsMalformed(string generation)
    {
        EvidenceProviderException error = await Assert.ThrowsAsync<EvidenceProviderException>(
            () => Provider(tdx: true, new FakeKernel("tdx_guest") { InitialGeneration = generation }).GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.MalformedOutput, error.Failure);
    }

    [Fact]
    public async Task MissingInterfaceOrAttributes_AreUnavailable()
    {
        var missingRoot = ConfigFsTsmEvidenceProvider.ForTdx(new ConfigFsTsmOptions { ReportRoot = Path.Combine(_root, "absent") });
        EvidenceProviderException noRoot = await Assert.ThrowsAsync<EvidenceProviderException>(() => missingRoot.GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.Unavailable, noRoot.Failure);
        Assert.Contains("configfs-tsm is not available", noRoot.Message, StringComparison.Ordinal);

        // An entry whose attributes never appear (the directory is not configfs).
        var plainDirectory = ConfigFsTsmEvidenceProvider.ForTdx(new ConfigFsTsmOptions { ReportRoot = _root });
        EvidenceProviderException noAttributes = await Assert.ThrowsAsync<EvidenceProviderException>(() => plainDirectory.GetEvidenceAsync(new byte[64]));
        Assert.Equal(EvidenceProviderFailure.Unavailable, noAttributes.Failure);
    }

    [Fact]
    public async Task ReportDataOutsideOneTo64Bytes_IsAnArgumentError()
    {
        ConfigFsTsmEvidenceProvider provider = Provider(tdx: true, new FakeKernel("tdx_guest"));
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetEvidenceAsync(ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetEvidenceAsync(new byte[65]));
    }

    [Fact]
    public async Task FuzzedAttributes_AreRefusedWithTheProvidersErrorOnly()
    {
        var random = new Random(4330);
        int accepted = 0;
        for (int i = 0; i < 300; i++)
        {
            var kernel = new FakeKernel(random.Next(3) == 0 ? "tdx_guest" : RandomText(random))
            {
                InitialGeneration = random.Next(3) == 0 ? random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : RandomText(random),
                GenerationStep = random.Next(3),
                Outblob = _ => RandomBytes(random, random.Next(0, 3) == 0 ? 0 : random.Next(1, 9000)),
            };
            try
            {
                byte[] evidence = await Provider(true, kernel, new ConfigFsTsmOptions { MaxOutblobBytes = 8192 }).GetEvidenceAsync(RandomBytes(random, random.Next(1, 65)));
                Assert.InRange(evidence.Length, 1, 8192);
                accepted++;
            }
            catch (EvidenceProviderException)
            {
                // the expected refusal
            }
        }

        Assert.InRange(accepted, 1, 299);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ConfigFsTsmEvidenceProvider Provider(bool tdx, FakeKernel kernel, ConfigFsTsmOptions? options = null)
    {
        options ??= new ConfigFsTsmOptions();
        options.ReportRoot = _root;
        return ConfigFsTsmEvidenceProvider.ForTests(tdx, options, kernel.ActAsync);
    }

    /// <summary>An SEV-SNP report shape: 1184 bytes, report data at 0x50, SIGNING_KEY in bits 2-4 at 0x48.</summary>
    private static byte[] SnpReport(byte[] inblob) => SnpReport(inblob, 0);

    private static byte[] SnpReport(byte[] inblob, int signingKey)
    {
        byte[] report = new byte[0x4A0];
        inblob.CopyTo(report, 0x50);
        report[0x48] = (byte)(signingKey << 2);
        return report;
    }

    private static byte[] CertificateTable(params (byte[] Guid, byte[] Certificate)[] entries)
    {
        int offset = (entries.Length + 1) * 24;
        var table = new List<byte>();
        var data = new List<byte>();
        foreach ((byte[] guid, byte[] certificate) in entries)
        {
            table.AddRange(guid);
            table.AddRange(BitConverter.GetBytes((uint)(offset + data.Count)));
            table.AddRange(BitConverter.GetBytes((uint)certificate.Length));
            data.AddRange(certificate);
        }

        return [.. table, .. new byte[24], .. data];
    }

    private static string RandomText(Random random) =>
        new(Enumerable.Range(0, random.Next(0, 80)).Select(_ => (char)random.Next(1, 128)).ToArray());

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Does what the kernel does at each step: creates the attributes, counts writes, makes the "quote".</summary>
    private sealed class FakeKernel(string provider)
    {
        public string InitialGeneration { get; init; } = "0";

        public int GenerationStep { get; init; } = 1;

        public bool WriteAfterOutblobRead { get; init; }

        public Func<byte[], byte[]> Outblob { get; init; } = inblob => [.. "QUOTE"u8, .. inblob];

        public Action<string, byte[]>? OnInblob { get; init; }

        public byte[]? Auxblob { get; init; }

        public string? PrivilegeLevelWritten { get; private set; }

        public Task ActAsync(ConfigFsTsmStep step, string entry, CancellationToken cancellationToken)
        {
            switch (step)
            {
                case ConfigFsTsmStep.EntryCreated:
                    File.WriteAllText(Path.Combine(entry, "provider"), provider + "\n");
                    File.WriteAllText(Path.Combine(entry, "generation"), InitialGeneration + "\n");
                    File.WriteAllBytes(Path.Combine(entry, "inblob"), []);
                    File.WriteAllBytes(Path.Combine(entry, "privlevel"), []);
                    File.WriteAllBytes(Path.Combine(entry, "outblob"), []);
                    break;
                case ConfigFsTsmStep.InblobWritten:
                    byte[] inblob = File.ReadAllBytes(Path.Combine(entry, "inblob"));
                    OnInblob?.Invoke(entry, inblob);
                    PrivilegeLevelWritten = File.ReadAllText(Path.Combine(entry, "privlevel")) is { Length: > 0 } level ? level : null;
                    File.WriteAllBytes(Path.Combine(entry, "outblob"), Outblob(inblob));
                    if (Auxblob is not null)
                    {
                        File.WriteAllBytes(Path.Combine(entry, "auxblob"), Auxblob);
                    }

                    if (long.TryParse(InitialGeneration, out long generation))
                    {
                        File.WriteAllText(Path.Combine(entry, "generation"), (generation + GenerationStep) + "\n");
                    }

                    break;
                case ConfigFsTsmStep.OutblobRead when WriteAfterOutblobRead:
                    long current = long.Parse(File.ReadAllText(Path.Combine(entry, "generation")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    File.WriteAllText(Path.Combine(entry, "generation"), (current + 1) + "\n");
                    break;
            }

            return Task.CompletedTask;
        }
    }
}
