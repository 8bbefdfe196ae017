using System.Text;
using System.Text.Json;
using Kms.Attestation.Intel;
using Kms.Attestation.Tests.Sgx;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Intel;

/// <summary>SGX TCB info (versions 2 and 3) parsing and Intel's SGX TCB level rules.</summary>
public sealed class SgxTcbTests
{
    private static SgxTcbLevel Level(byte sgx, ushort pce, TcbStatus status, params string[] advisories) =>
        new(Enumerable.Repeat(sgx, 16).ToArray(), pce, status, advisories);

    private static SgxTcbInfo TcbInfo(params SgxTcbLevel[] levels) => new()
    {
        Version = 3,
        IssueDate = DateTimeOffset.UnixEpoch,
        NextUpdate = DateTimeOffset.MaxValue,
        Fmspc = new byte[6],
        PceId = new byte[2],
        TcbEvaluationDataNumber = 1,
        TcbLevels = levels,
    };

    private static PckCertificateExtensions Pck(byte sgx, ushort pce, int component = -1, byte componentValue = 0)
    {
        byte[] components = Enumerable.Repeat(sgx, 16).ToArray();
        if (component >= 0)
        {
            components[component] = componentValue;
        }

        return new PckCertificateExtensions { Ppid = new byte[16], Fmspc = new byte[6], PceId = new byte[2], SgxTcbComponents = components, PceSvn = pce };
    }

    private static EnclaveIdentity QeIdentity() => new()
    {
        Id = "QE",
        IssueDate = DateTimeOffset.UnixEpoch,
        NextUpdate = DateTimeOffset.MaxValue,
        MiscSelect = 0,
        MiscSelectMask = 0xFFFFFFFF,
        Attributes = new byte[16],
        AttributesMask = new byte[16],
        MrSigner = new byte[32],
        IsvProdId = 1,
        TcbLevels = [new EnclaveTcbLevel(8, TcbStatus.UpToDate, []), new EnclaveTcbLevel(6, TcbStatus.OutOfDate, ["INTEL-SA-QE"])],
    };

    private static byte[] QeReport(ushort isvSvn)
    {
        byte[] report = new byte[384];
        report[256] = 1;
        report[258] = (byte)isvSvn;
        return report;
    }

    [Theory]
    [InlineData(5, 13, TcbStatus.UpToDate)]
    [InlineData(4, 13, TcbStatus.SWHardeningNeeded)] // component below the first level
    [InlineData(5, 12, TcbStatus.SWHardeningNeeded)] // PCESVN below the first level
    [InlineData(3, 13, TcbStatus.OutOfDate)]
    public void TheFirstLevelThatEveryComponentAndThePceSvnReachIsSelected(byte sgx, ushort pce, TcbStatus expected)
    {
        SgxTcbInfo info = TcbInfo(Level(5, 13, TcbStatus.UpToDate), Level(4, 11, TcbStatus.SWHardeningNeeded, "INTEL-SA-1"), Level(1, 1, TcbStatus.OutOfDate, "INTEL-SA-2"));
        SgxTcbEvaluation result = SgxTcbEvaluator.Evaluate(info, Pck(sgx, pce), QeIdentity(), QeReport(8));
        Assert.Equal(expected, result.Status);
        Assert.Equal(expected, result.PlatformStatus);
        Assert.Equal(TcbStatus.UpToDate, result.QeStatus);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(15)]
    public void EverySgxComponentTakesPart(int component)
    {
        SgxTcbInfo info = TcbInfo(Level(5, 13, TcbStatus.UpToDate), Level(1, 1, TcbStatus.OutOfDate, "INTEL-SA-2"));
        SgxTcbEvaluation result = SgxTcbEvaluator.Evaluate(info, Pck(9, 13, component, 4), QeIdentity(), QeReport(8));
        Assert.Equal(TcbStatus.OutOfDate, result.Status);
        Assert.Equal(["INTEL-SA-2"], result.AdvisoryIds);
    }

    [Fact]
    public void NoMatchingLevelIsTcbLevelNotSupported()
    {
        SgxTcbInfo info = TcbInfo(Level(5, 13, TcbStatus.UpToDate));
        AttestationException ex = Assert.Throws<AttestationException>(() => SgxTcbEvaluator.Evaluate(info, Pck(4, 13), QeIdentity(), QeReport(8)));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.Revoked, TcbStatus.Revoked)]
    public void AnOutOfDateQeConvergesWithThePlatformAndAddsItsAdvisories(TcbStatus platform, TcbStatus expected)
    {
        SgxTcbInfo info = TcbInfo(Level(1, 1, platform, "INTEL-SA-P", "INTEL-SA-QE"));
        SgxTcbEvaluation result = SgxTcbEvaluator.Evaluate(info, Pck(9, 13), QeIdentity(), QeReport(7));
        Assert.Equal(expected, result.Status);
        Assert.Equal(TcbStatus.OutOfDate, result.QeStatus);
        Assert.Equal(["INTEL-SA-P", "INTEL-SA-QE"], result.AdvisoryIds); // platform first, duplicates once
    }

    [Fact]
    public void AQeBelowEveryIdentityLevelIsOutOfDate()
    {
        SgxTcbEvaluation result = SgxTcbEvaluator.Evaluate(TcbInfo(Level(1, 1, TcbStatus.UpToDate)), Pck(9, 13), QeIdentity(), QeReport(2));
        Assert.Equal(TcbStatus.OutOfDate, result.Status);
    }

    [TestDataFact]
    public void DcapQvlV3TcbInfoParses()
    {
        SgxTcbInfo info = SgxTcbInfo.Parse(DcapQvlTcbInfo());
        Assert.Equal(3, info.Version);
        Assert.Equal("00a067110000", Convert.ToHexStringLower(info.Fmspc));
        Assert.Equal(17, info.TcbEvaluationDataNumber);
        Assert.Equal(11, info.TcbLevels.Count);
        Assert.Equal(new byte[] { 11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, info.TcbLevels[1].SgxComponents);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, info.TcbLevels[1].Status);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], info.TcbLevels[1].AdvisoryIds);
    }

    [TestDataFact]
    public void SecretNetworkV2TcbInfoParses()
    {
        SgxTcbInfo info = SgxTcbInfo.Parse(SecretNetworkTcbInfo());
        Assert.Equal(2, info.Version);
        Assert.Equal("00906ed50000", Convert.ToHexStringLower(info.Fmspc));
        Assert.Equal(new byte[] { 17, 17, 2, 4, 1, 128, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, info.TcbLevels[0].SgxComponents);
        Assert.Equal(10, info.TcbLevels[0].PceSvn);
        Assert.Equal(TcbStatus.SWHardeningNeeded, info.TcbLevels[0].Status);
        Assert.Contains(info.TcbLevels, l => l.Status == TcbStatus.ConfigurationAndSWHardeningNeeded);
        Assert.Contains(info.TcbLevels, l => l.Status == TcbStatus.OutOfDateConfigurationNeeded);
    }

    [TestDataTheory]
    [InlineData("\"version\":3", "\"version\":4", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("\"id\":\"SGX\"", "\"id\":\"TDX\"", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("\"id\":\"SGX\",", "", AttestationFailureKind.UnsupportedVersion)] // v3 needs its id
    [InlineData("\"tcbType\":0", "\"tcbType\":1", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("{\"svn\":255}", "{\"svn\":256}", AttestationFailureKind.Malformed)]
    [InlineData("{\"svn\":11},{\"svn\":11},", "{\"svn\":11},", AttestationFailureKind.Malformed)] // 15 components
    [InlineData("\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"Fine\"", AttestationFailureKind.Malformed)]
    [InlineData("\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A0671100\"", AttestationFailureKind.Malformed)]
    public void V3TcbInfoIsCheckedStrictly(string from, string to, AttestationFailureKind kind)
    {
        string json = Encoding.UTF8.GetString(DcapQvlTcbInfo());
        Assert.Contains(from, json, StringComparison.Ordinal);
        byte[] edited = Encoding.UTF8.GetBytes(ReplaceFirst(json, from, to));
        Assert.Equal(kind, Assert.Throws<AttestationException>(() => SgxTcbInfo.Parse(edited)).Kind);
    }

    [TestDataTheory]
    [InlineData("\"version\":2", "\"version\":2,\"id\":\"TDX\"", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("\"sgxtcbcomp16svn\":0,", "", AttestationFailureKind.Malformed)]
    [InlineData("\"pcesvn\":10", "\"pcesvn\":-1", AttestationFailureKind.Malformed)]
    public void V2TcbInfoIsCheckedStrictly(string from, string to, AttestationFailureKind kind)
    {
        string json = Encoding.UTF8.GetString(SecretNetworkTcbInfo());
        Assert.Contains(from, json, StringComparison.Ordinal);
        byte[] edited = Encoding.UTF8.GetBytes(ReplaceFirst(json, from, to));
        Assert.Equal(kind, Assert.Throws<AttestationException>(() => SgxTcbInfo.Parse(edited)).Kind);
    }

    [TestDataFact]
    public void MutatedSgxTcbInfoOnlyThrowsAttestationException()
    {
        Random random = new(16);
        foreach (byte[] source in new[] { DcapQvlTcbInfo(), SecretNetworkTcbInfo() })
        {
            for (int i = 0; i < 1500; i++)
            {
                byte[] data = (byte[])source.Clone();
                data[random.Next(data.Length)] = (byte)random.Next(32, 127);
                if (i % 7 == 0)
                {
                    data = data[..random.Next(data.Length)];
                }

                try
                {
                    SgxTcbInfo.Parse(data);
                }
                catch (AttestationException)
                {
                }
            }
        }
    }

    private static byte[] DcapQvlTcbInfo()
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + "dcapqvl_sgx_quote_collateral.json"));
        return Encoding.UTF8.GetBytes(bundle.RootElement.GetProperty("tcb_info").GetString()!);
    }

    private static byte[] SecretNetworkTcbInfo() =>
        SignedJsonBody.Split(Encoding.UTF8.GetBytes(SgxFixtures.SecretNetworkItems()[4]), "tcbInfo").Signed.ToArray();

    private static string ReplaceFirst(string text, string from, string to)
    {
        int index = text.IndexOf(from, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), to, text.AsSpan(index + from.Length));
    }
}
