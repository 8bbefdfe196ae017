using Kms.Attestation.Intel;

namespace Kms.Attestation.Tests.Intel;

public sealed class TdxTcbEvaluatorTests
{
    private static readonly byte[] s_zero48 = new byte[48];

    private static TdxTcbInfo TcbInfo(params TdxTcbLevel[] levels) => new()
    {
        Version = 3,
        IssueDate = DateTimeOffset.UnixEpoch,
        NextUpdate = DateTimeOffset.MaxValue,
        Fmspc = new byte[6],
        PceId = new byte[2],
        TcbEvaluationDataNumber = 1,
        TdxModule = new TdxModuleIdentity("TDX_00", s_zero48, new byte[8], Enumerable.Repeat((byte)0xFF, 8).ToArray(), []),
        TdxModuleIdentities =
        [
            new TdxModuleIdentity("TDX_01", s_zero48, new byte[8], Enumerable.Repeat((byte)0xFF, 8).ToArray(),
                [new TdxModuleTcbLevel(6, TcbStatus.UpToDate, []), new TdxModuleTcbLevel(2, TcbStatus.OutOfDate, ["INTEL-SA-MODULE"])]),
        ],
        TcbLevels = levels,
    };

    private static TdxTcbLevel Level(byte sgx, ushort pce, byte tdx, TcbStatus status, params string[] advisories)
    {
        byte[] tdxComponents = Enumerable.Repeat(tdx, 16).ToArray();
        tdxComponents[1] = 0; // component 2 is the module major version, 0 in Intel's TCB levels
        return new(Enumerable.Repeat(sgx, 16).ToArray(), pce, tdxComponents, status, advisories);
    }

    private static PckCertificateExtensions Pck(byte sgx, ushort pce) => new()
    {
        Ppid = new byte[16],
        Fmspc = new byte[6],
        PceId = new byte[2],
        SgxTcbComponents = Enumerable.Repeat(sgx, 16).ToArray(),
        PceSvn = pce,
    };

    private static EnclaveIdentity QeIdentity(ushort minSvn = 4) => new()
    {
        Id = "TD_QE",
        IssueDate = DateTimeOffset.UnixEpoch,
        NextUpdate = DateTimeOffset.MaxValue,
        MiscSelect = 0,
        MiscSelectMask = 0xFFFFFFFF,
        Attributes = Convert.FromHexString("11000000000000000000000000000000"),
        AttributesMask = Convert.FromHexString("FBFFFFFFFFFFFFFF0000000000000000"),
        MrSigner = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        IsvProdId = 2,
        TcbLevels = [new EnclaveTcbLevel(minSvn, TcbStatus.UpToDate, []), new EnclaveTcbLevel(1, TcbStatus.OutOfDate, ["INTEL-SA-QE"])],
    };

    private static byte[] QeReport(ushort isvSvn = 4)
    {
        byte[] report = new byte[384];
        report[48] = 0x11;
        Enumerable.Range(0, 32).Select(i => (byte)i).ToArray().CopyTo(report, 128);
        report[256] = 2;
        report[258] = (byte)isvSvn;
        return report;
    }

    private static byte[] TeeTcbSvn(byte moduleSvn, byte moduleVersion, byte rest)
    {
        byte[] svn = Enumerable.Repeat(rest, 16).ToArray();
        svn[0] = moduleSvn;
        svn[1] = moduleVersion;
        return svn;
    }

    [Fact]
    public void TheFirstLevelWhoseComponentsAreAllMetIsSelected()
    {
        TdxTcbInfo info = TcbInfo(Level(5, 13, 5, TcbStatus.UpToDate), Level(3, 11, 3, TcbStatus.SWHardeningNeeded, "INTEL-SA-1"), Level(1, 1, 1, TcbStatus.OutOfDate, "INTEL-SA-2"));
        TdxTcbEvaluation result = TdxTcbEvaluator.Evaluate(info, Pck(4, 13), TeeTcbSvn(4, 0, 9), s_zero48, new byte[8], QeIdentity(), QeReport());
        Assert.Equal(TcbStatus.SWHardeningNeeded, result.Status);
        Assert.Equal(["INTEL-SA-1"], result.AdvisoryIds);
    }

    [Fact]
    public void PceSvnAndTdxComponentsTakePart()
    {
        TdxTcbInfo info = TcbInfo(Level(1, 13, 1, TcbStatus.UpToDate), Level(1, 1, 1, TcbStatus.OutOfDate));
        Assert.Equal(TcbStatus.OutOfDate, TdxTcbEvaluator.Evaluate(info, Pck(9, 12), TeeTcbSvn(1, 0, 9), s_zero48, new byte[8], QeIdentity(), QeReport()).Status);
        TdxTcbInfo tdxBound = TcbInfo(Level(1, 1, 5, TcbStatus.UpToDate), Level(1, 1, 1, TcbStatus.OutOfDate));
        Assert.Equal(TcbStatus.OutOfDate, TdxTcbEvaluator.Evaluate(tdxBound, Pck(9, 12), TeeTcbSvn(9, 0, 4), s_zero48, new byte[8], QeIdentity(), QeReport()).Status);
    }

    [Fact]
    public void ForModuleMajorVersionAboveZeroTheModuleIdentityJudgesTheFirstTwoTdxComponents()
    {
        // TEE_TCB_SVN[0..1] = (3, 1) would fail the level's TDX component 5, but for TDX_01 they are judged by the
        // module identity: SVN 3 ≥ 2 → OutOfDate module, converging UpToDate → OutOfDate.
        TdxTcbInfo info = TcbInfo(Level(1, 1, 5, TcbStatus.UpToDate));
        TdxTcbEvaluation result = TdxTcbEvaluator.Evaluate(info, Pck(9, 12), TeeTcbSvn(3, 1, 5), s_zero48, new byte[8], QeIdentity(), QeReport());
        Assert.Equal(TcbStatus.OutOfDate, result.Status);
        Assert.Equal(TcbStatus.OutOfDate, result.ModuleStatus);
        Assert.Contains("INTEL-SA-MODULE", result.AdvisoryIds);
    }

    [Fact]
    public void AnUnknownModuleVersionOrSignerIsRefused()
    {
        TdxTcbInfo info = TcbInfo(Level(1, 1, 1, TcbStatus.UpToDate));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, Assert.Throws<AttestationException>(() =>
            TdxTcbEvaluator.Evaluate(info, Pck(9, 12), TeeTcbSvn(9, 2, 9), s_zero48, new byte[8], QeIdentity(), QeReport())).Kind);
        byte[] signer = new byte[48];
        signer[0] = 1;
        Assert.Equal(AttestationFailureKind.PolicyViolation, Assert.Throws<AttestationException>(() =>
            TdxTcbEvaluator.Evaluate(info, Pck(9, 12), TeeTcbSvn(9, 0, 9), signer, new byte[8], QeIdentity(), QeReport())).Kind);
    }

    [Fact]
    public void NoMatchingLevelIsTcbNotSupported()
    {
        TdxTcbInfo info = TcbInfo(Level(5, 1, 1, TcbStatus.UpToDate));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, Assert.Throws<AttestationException>(() =>
            TdxTcbEvaluator.Evaluate(info, Pck(4, 12), TeeTcbSvn(9, 0, 9), s_zero48, new byte[8], QeIdentity(), QeReport())).Kind);
    }

    [Fact]
    public void AnOutdatedQeMakesThePlatformOutOfDate()
    {
        TdxTcbInfo info = TcbInfo(Level(1, 1, 1, TcbStatus.ConfigurationNeeded));
        TdxTcbEvaluation result = TdxTcbEvaluator.Evaluate(info, Pck(9, 12), TeeTcbSvn(9, 0, 9), s_zero48, new byte[8], QeIdentity(), QeReport(isvSvn: 3));
        Assert.Equal(TcbStatus.OutOfDateConfigurationNeeded, result.Status);
        Assert.Equal(TcbStatus.OutOfDate, result.QeStatus);
        Assert.Contains("INTEL-SA-QE", result.AdvisoryIds);
    }

    [Theory]
    [InlineData(128)] // MRSIGNER
    [InlineData(256)] // ISVPRODID
    [InlineData(16)] // MISCSELECT
    [InlineData(48)] // ATTRIBUTES (masked bit)
    public void AQuotingEnclaveThatIsNotIntelsIsRefused(int offset)
    {
        byte[] report = QeReport();
        report[offset] ^= 0x01;
        Assert.Equal(AttestationFailureKind.PolicyViolation, Assert.Throws<AttestationException>(() => IntelTcbRules.EvaluateQe(QeIdentity(), report)).Kind);
    }

    [Fact]
    public void UnmaskedQeAttributeBitsAreIgnored()
    {
        byte[] report = QeReport();
        report[48 + 8] ^= 0xFF; // attributes mask is zero in the upper half
        report[48] ^= 0x04; // and bit 2 of byte 0 is masked out (FB)
        Assert.Equal(TcbStatus.UpToDate, IntelTcbRules.EvaluateQe(QeIdentity(), report));
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.UpToDate, TcbStatus.UpToDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.Revoked, TcbStatus.Revoked)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.UpToDate, TcbStatus.OutOfDate)]
    public void StatusesConvergeAsIntelsQvlDoes(TcbStatus platform, TcbStatus other, TcbStatus expected)
    {
        Assert.Equal(expected, IntelTcbRules.Converge(platform, other));
    }
}
