using Kms.Attestation.Collateral;
using Kms.Attestation.Intel;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Tdx;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tests.Sgx;

/// <summary>Full verification of the real SGX quotes in the corpus with the collateral their source repositories publish.</summary>
public sealed class SgxQuoteVerifierTests
{
    internal static readonly SgxVerificationPolicy AcceptAll = SgxVerificationPolicy.Default.Accepting(Enum.GetValues<TcbStatus>()) with { AllowDebug = true };

    internal static async Task<VerifiedEvidence> VerifyAsync(ICollateralSource source, DateTimeOffset now, byte[] quote, SgxVerificationPolicy? policy = null, byte[]? expectedReportData = null)
    {
        SgxQuoteVerifier verifier = new(source, policy ?? SgxVerificationPolicy.Default, new FixedTimeProvider(now));
        return await verifier.VerifyAsync(quote, expectedReportData ?? SgxFixtures.ReportData(quote));
    }

    internal static async Task<AttestationException> FailureAsync(ICollateralSource source, DateTimeOffset now, byte[] quote, SgxVerificationPolicy? policy = null, byte[]? expectedReportData = null) =>
        await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(source, now, quote, policy, expectedReportData ?? new byte[64]));

    [TestDataFact]
    public async Task DcapQvlQuoteIsConfigurationAndSWHardeningNeededWithIntelsAdvisories()
    {
        // dcap-qvl tests/verify_quote.rs could_parse_sgx_quote: status "ConfigurationAndSWHardeningNeeded",
        // advisory_ids ["INTEL-SA-00289", "INTEL-SA-00615"].
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);

        VerifiedEvidence evidence = await VerifyAsync(source, SgxFixtures.DcapQvlTime, quote, SgxVerificationPolicy.Default.Accepting(TcbStatus.ConfigurationAndSWHardeningNeeded));

        Assert.Equal(TeeType.Sgx, evidence.Tee);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, evidence.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], evidence.AdvisoryIds);
        Assert.False(evidence.Debug);
        Assert.Equal("00a067110000", evidence.PlatformIds["fmspc"]);
        Assert.Equal("0000", evidence.PlatformIds["pceid"]);
        Assert.Null(evidence.Tdx);
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", Convert.ToHexStringLower(evidence.Sgx!.MrEnclave.Span));
        Assert.Equal("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6", Convert.ToHexStringLower(evidence.Sgx.MrSigner.Span));
        Assert.True(evidence.ReportData.Span.SequenceEqual(SgxFixtures.ReportData(quote)));
    }

    [TestDataFact]
    public async Task TheDefaultPolicyAcceptsOnlyUpToDate()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        AttestationException ex = await FailureAsync(source, SgxFixtures.DcapQvlTime, SgxFixtures.Quote(SgxFixtures.DcapQvl), expectedReportData: SgxFixtures.ReportData(SgxFixtures.Quote(SgxFixtures.DcapQvl)));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
        Assert.Contains("ConfigurationAndSWHardeningNeeded", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task ReportDataMustMatchTheExpectedValue()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        byte[] expected = SgxFixtures.ReportData(quote);
        expected[63] ^= 1;
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, (await FailureAsync(source, SgxFixtures.DcapQvlTime, quote, AcceptAll, expected)).Kind);
        await Assert.ThrowsAsync<ArgumentException>(() => VerifyAsync(source, SgxFixtures.DcapQvlTime, quote, AcceptAll, new byte[32]));
    }

    [TestDataTheory]
    [InlineData("2025-07-20T00:00:00Z")] // after TCB info, QE identity and PCK CRL nextUpdate
    [InlineData("2025-06-19T10:30:00Z")] // before the TCB info's issueDate (10:56), after the CRL's thisUpdate
    [InlineData("2030-10-01T00:00:00Z")] // after the PCK certificate's notAfter (2030-09-20)
    public async Task CollateralOutsideItsWindowIsExpired(string instant)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        DateTimeOffset now = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, (await FailureAsync(source, now, quote, AcceptAll, SgxFixtures.ReportData(quote))).Kind);
    }

    [TestDataFact]
    public async Task SgxCollateralIsLookedUpOnlyInItsOwnPlace()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        string sgx = Path.Combine(dir.Path, "intel", "sgx");

        // The quote's PCK was issued by the Processor CA: the Platform CA's CRL does not stand in for its CRL.
        File.Move(Path.Combine(dir.Path, "intel", "crl", "processor.der"), Path.Combine(dir.Path, "intel", "crl", "platform.der"));
        Assert.Equal(AttestationFailureKind.MissingCollateral, (await FailureAsync(source, SgxFixtures.DcapQvlTime, quote, AcceptAll, SgxFixtures.ReportData(quote))).Kind);
        File.Move(Path.Combine(dir.Path, "intel", "crl", "platform.der"), Path.Combine(dir.Path, "intel", "crl", "processor.der"));

        // Without the SGX TCB info for the FMSPC, nothing else stands in.
        File.Delete(Path.Combine(sgx, "tcbinfo", "00a067110000.json"));
        Assert.Equal(AttestationFailureKind.MissingCollateral, (await FailureAsync(source, SgxFixtures.DcapQvlTime, quote, AcceptAll, SgxFixtures.ReportData(quote))).Kind);
    }

    [TestDataTheory]
    [InlineData("tcbinfo/b0c06f000000", "tcbinfo/00a067110000", AttestationFailureKind.UnsupportedVersion, "'TDX'")]
    [InlineData("qe-identity", "qe-identity", AttestationFailureKind.MissingCollateral, "'TD_QE', not QE")]
    public async Task TdxTcbInfoOrTdQeIdentityInTheSgxPlaceIsRefused(string tdxStem, string sgxStem, AttestationFailureKind kind, string message)
    {
        // Intel-signed and current, but TDX collateral: its signature verifies, its contents are refused.
        using TempDirectory tdxDir = new();
        await TdxFixtures.FromDcapQvlAsync(tdxDir.Path, "dcapqvl_tdx_quote_collateral.json");
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(dir.Path);
        foreach (string suffix in new[] { ".json", ".issuer-chain.pem" })
        {
            File.Copy(Path.Combine(tdxDir.Path, "intel", "tdx", tdxStem + suffix), Path.Combine(dir.Path, "intel", "sgx", sgxStem + suffix), overwrite: true);
        }

        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        AttestationException ex = await FailureAsync(source, SgxFixtures.DcapQvlTime, quote, AcceptAll, SgxFixtures.ReportData(quote));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task SecretNetworkQuotePassesEveryCheckUpToItsTcbInfoWhichExpiredYearsBeforeItsCrls()
    {
        // SecretNetwork's collateral bundle was assembled from different days: the CRLs (2023-04 and 2024-02) are
        // current at one instant, the v2 TCB info (2021-03-31..04-30) and QE identity (2021-07) years earlier. At the CRL
        // instant the signatures, the chain and revocation pass; the TCB info is refused as expired.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromSecretNetworkAsync(dir.Path);
        byte[] quote = SgxFixtures.Quote(SgxFixtures.SecretNetwork);
        AttestationException ex = await FailureAsync(source, SgxFixtures.SecretNetworkCrlTime, quote, AcceptAll, SgxFixtures.ReportData(quote));
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, ex.Kind);
        Assert.StartsWith("The TCB info is valid from 2021-03-31", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task SecretNetworkV2TcbInfoAndQeIdentityVerifyAtTheirOwnTimesAndGiveSWHardeningNeeded()
    {
        // PCK TCB 21 21 2 4 1 128 14 0.. / PCESVN 13 meets the first v2 level (17 17 2 4 1 128 6 / 10, SWHardeningNeeded,
        // no advisory ids in v2 collateral); QE ISVSVN 10 ≥ 5 is UpToDate.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromSecretNetworkAsync(dir.Path);
        SgxQuote quote = SgxQuote.Parse(SgxFixtures.Quote(SgxFixtures.SecretNetwork));
        PckCertificateExtensions pck = PckCertificateExtensions.Read(PemCertificates.Parse(quote.PckCertChainPem.Span)[0]);
        CertificateRevocationList rootCrl = CertificateRevocationList.Parse((await source.GetCrlAsync("root", default))!.Value);
        IntelCollateralVerifier collateral = new(source, new VerificationCache(), IntelSgxRootCa.Certificate);

        SgxTcbInfo tcbInfo = await collateral.GetTcbInfoAsync(TeeType.Sgx, pck, SgxTcbInfo.Parse, rootCrl, SgxFixtures.SecretNetworkTcbInfoTime, default);
        EnclaveIdentity qe = await collateral.GetQeIdentityAsync(TeeType.Sgx, "QE", rootCrl, SgxFixtures.SecretNetworkQeIdentityTime, default);
        SgxTcbEvaluation tcb = SgxTcbEvaluator.Evaluate(tcbInfo, pck, qe, quote.QeReport.Span);

        Assert.Equal(2, tcbInfo.Version);
        Assert.Equal(new byte[] { 21, 21, 2, 4, 1, 128, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, pck.SgxTcbComponents.ToArray());
        Assert.Equal(TcbStatus.SWHardeningNeeded, tcb.Status);
        Assert.Equal(TcbStatus.UpToDate, tcb.QeStatus);
        Assert.Empty(tcb.AdvisoryIds);

        // The same TCB info, one status changed, no longer verifies.
        string tcbPath = Path.Combine(dir.Path, "intel", "sgx", "tcbinfo", "00906ed50000.json");
        string text = File.ReadAllText(tcbPath);
        string edited = text.Replace("\"tcbStatus\": \"SWHardeningNeeded\"", "\"tcbStatus\": \"UpToDate\"", StringComparison.Ordinal).Replace("\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"UpToDate\"", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);

        // Written through the source: files replaced behind a source's back are seen within CollateralFileCache.RecheckInterval.
        SignedCollateral original = (await source.GetTcbInfoAsync(TeeType.Sgx, "00906ed50000", default))!;
        await source.PutTcbInfoAsync(TeeType.Sgx, "00906ed50000", original with { Body = System.Text.Encoding.UTF8.GetBytes(edited) }, default);
        Assert.Equal(edited, File.ReadAllText(tcbPath));
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() =>
            new IntelCollateralVerifier(source, new VerificationCache(), IntelSgxRootCa.Certificate).GetTcbInfoAsync(TeeType.Sgx, pck, SgxTcbInfo.Parse, rootCrl, SgxFixtures.SecretNetworkTcbInfoTime, default).AsTask());
        Assert.Equal(AttestationFailureKind.BadSignature, ex.Kind);
    }

    [TestDataTheory]
    [InlineData(SgxFixtures.DcapQvl)]
    [InlineData(SgxFixtures.SecretNetwork)]
    [InlineData(SgxFixtures.TrusteeOcclum)]
    public async Task WithoutCollateralEverySignatureCheckPassesAndTheRootCrlIsMissing(string name)
    {
        // The checks that need no collateral come first: vendor, PCK chain to the pinned root, QE report signature,
        // attestation key binding, quote signature. Only then is the first CRL asked for.
        using TempDirectory dir = new();
        byte[] quote = SgxFixtures.Quote(name);
        AttestationException ex = await FailureAsync(new DirectoryCollateralSource(dir.Path), SgxFixtures.ChainTime, quote, AcceptAll, SgxFixtures.ReportData(quote));
        Assert.Equal(AttestationFailureKind.MissingCollateral, ex.Kind);
        Assert.Contains("Root CA CRL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEvidenceTypeIsSgxDcap()
    {
        using TempDirectory dir = new();
        IEvidenceVerifier verifier = new SgxQuoteVerifier(new DirectoryCollateralSource(dir.Path));
        Assert.Equal("sgx-dcap", verifier.EvidenceType);
    }
}
