using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>Full verification of the real quotes in the corpus with the collateral their source repositories publish.</summary>
public sealed class TdxQuoteVerifierTests
{
    private static readonly TdxVerificationPolicy s_acceptAll = TdxVerificationPolicy.Default.Accepting(Enum.GetValues<TcbStatus>());

    internal static async Task<VerifiedEvidence> VerifyAsync(ICollateralSource source, DateTimeOffset now, byte[] quote, TdxVerificationPolicy? policy = null, byte[]? expectedReportData = null)
    {
        TdxQuoteVerifier verifier = new(source, policy ?? TdxVerificationPolicy.Default, new FixedTimeProvider(now));
        return await verifier.VerifyAsync(quote, expectedReportData ?? TdxFixtures.ReportData(quote));
    }

    internal static async Task<AttestationFailureKind> FailureAsync(ICollateralSource source, DateTimeOffset now, byte[] quote, TdxVerificationPolicy? policy = null, byte[]? expectedReportData = null)
    {
        byte[] expected = expectedReportData ?? new byte[64];
        if (expectedReportData is null && quote.Length >= 48 + 584)
        {
            try
            {
                expected = TdxFixtures.ReportData(quote);
            }
            catch (AttestationException)
            {
            }
        }

        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(source, now, quote, policy, expected));
        return ex.Kind;
    }

    [TestDataFact]
    public async Task DcapQvlV4QuoteIsUpToDateWithoutAdvisories()
    {
        // dcap-qvl tests/verify_quote.rs could_parse_tdx_quote: status "UpToDate", advisory_ids empty.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        byte[] quote = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");

        VerifiedEvidence evidence = await VerifyAsync(source, TdxFixtures.DcapQvlTime, quote);

        Assert.Equal(TeeType.Tdx, evidence.Tee);
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
        Assert.Empty(evidence.AdvisoryIds);
        Assert.False(evidence.Debug);
        Assert.Equal("b0c06f000000", evidence.PlatformIds["fmspc"]);
        Assert.Equal("0000", evidence.PlatformIds["pceid"]);
        Assert.Equal("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7", Convert.ToHexStringLower(evidence.Tdx!.MrTd.Span));
        Assert.Equal("9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20", Convert.ToHexStringLower(evidence.ReportData.Span));
    }

    [TestDataFact]
    public async Task DcapQvlOutdatedV5QuoteMatchesNoTcbLevel()
    {
        // dcap-qvl tests/verify_tcb_override.rs can only get a status for this fixture by inserting a permissive TCB
        // level: its PCK SGX component 8 (3) is below every level (5), i.e. Intel's "TCB level not supported".
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_outdated_collateral.json");
        byte[] quote = TdxFixtures.Quote("dcapqvl_tdx_quote_outdated_v5.bin");

        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(source, TdxFixtures.DcapQvlOutdatedTime, quote, s_acceptAll));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
        Assert.Contains("below every TCB level", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task GoTdxGuestSprQuoteIsBelowEveryTcbLevelOfTheSampleTcbInfo()
    {
        // go-tdx-guest verify_test.go: collateral verifies at currentTime, but "due to updated SVN values in the sample
        // response, it will result in TCB status failure" for the quote's TEE TCB SVN.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromGoTdxGuestAsync(dir.Path);
        byte[] quote = TdxFixtures.Quote("gotdxguest_tdx_prod_quote_SPR_E4_v4.dat");

        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(source, TdxFixtures.GoTdxGuestTime, quote, s_acceptAll));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
        Assert.Contains("below every TCB level", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task TrusteeDebugQuoteIsRefusedUnlessThePolicyAllowsDebug()
    {
        // Trustee's tdx_quote_4.dat has TDATTRIBUTES.DEBUG set; Trustee's tests require allow_debug to accept it.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromGoTdxGuestAsync(dir.Path);
        byte[] quote = TdxFixtures.Quote("trustee_tdx_quote_4_v4_debug.dat");

        Assert.Equal(AttestationFailureKind.DebugNotAllowed, await FailureAsync(source, TdxFixtures.GoTdxGuestTime, quote, s_acceptAll));
        VerifiedEvidence evidence = await VerifyAsync(source, TdxFixtures.GoTdxGuestTime, quote, s_acceptAll with { AllowDebug = true });
        Assert.True(evidence.Debug);
        Assert.Equal("50806f000000", evidence.PlatformIds["fmspc"]);
    }

    [TestDataTheory]
    [InlineData("dcapqvl_quote-from-tappd_v4.bin")]
    [InlineData("dcapqvl_tdx-quote-hex_v4.bin")]
    public async Task OtherDcapQvlSamplesPassEveryCryptographicCheckButMatchNoTcbLevel(string name)
    {
        // Same FMSPC (B0C06F000000) as dcap-qvl's collateral bundle; their PCK SGX components (02 02 ...) are below the
        // lowest level the June 2025 TCB info lists. Not asserted by dcap-qvl; computed here by Intel's matching rule.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(source, TdxFixtures.DcapQvlTime, TdxFixtures.Quote(name), s_acceptAll));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
        Assert.Contains("below every TCB level", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task GoTdxGuestV5SampleIsUpToDateAgainstTheFebruary2026Fmspc90C06FCollateral()
    {
        // Not asserted by go-tdx-guest (its v5 TCB info has no matching QE identity/CRL set); dcap-qvl's bundle for the
        // same FMSPC is. PCK SVNs 04 04 02 02 04 01 00 05 / PCESVN 13, module TDX_01 SVN 11, QE ISVSVN 7: all levels met.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_outdated_collateral.json");
        VerifiedEvidence evidence = await VerifyAsync(source, TdxFixtures.DcapQvlOutdatedTime, TdxFixtures.Quote("gotdxguest_quote_v5_sample.dat"));
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
        Assert.Equal("90c06f000000", evidence.PlatformIds["fmspc"]);
        Assert.NotNull(evidence.Tdx!.TeeTcbSvn2);
        Assert.NotNull(evidence.Tdx.MrServiceTd);
    }

    [TestDataFact]
    public async Task TrusteeV5QuoteMatchesNoTcbLevelOfTheFebruary2026Collateral()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_outdated_collateral.json");
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, await FailureAsync(source, TdxFixtures.DcapQvlOutdatedTime, TdxFixtures.Quote("trustee_tdx_quote_5_v5.dat"), s_acceptAll));
    }

    [TestDataFact]
    public async Task TrusteeQuote6FailsOnlyBecauseNoCurrentPckCrlIsPublished()
    {
        // Trustee publishes TCB info and QE identity for this platform but no PCK CRL; the only PCK CRL in the corpus
        // expired before Trustee's TCB info was issued, so the verifier must refuse with ExpiredCollateral.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromTrusteeAsync(dir.Path);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, await FailureAsync(source, TdxFixtures.TrusteeTime, TdxFixtures.Quote("trustee_tdx_quote_6_v4.dat"), s_acceptAll));
    }

    [TestDataTheory]
    [InlineData("gotdxguest_cos-113-tdx-quote_v4_padded.dat")]
    [InlineData("trustee_azure_tdx_td-quote_v4.bin")]
    public async Task QuotesWithoutPublishedCollateralFailAsMissingCollateral(string name)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource empty = new(dir.Path);
        Assert.Equal(AttestationFailureKind.MissingCollateral, await FailureAsync(empty, TdxFixtures.DcapQvlTime, TdxFixtures.Quote(name)));
    }

    [TestDataFact]
    public async Task ReportDataMustMatchTheExpectedValue()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        byte[] quote = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");
        byte[] expected = TdxFixtures.ReportData(quote);
        expected[63] ^= 1;
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, await FailureAsync(source, TdxFixtures.DcapQvlTime, quote, expectedReportData: expected));
    }

    [TestDataTheory]
    [InlineData(2025, 7, 20)] // after TCB info / PCK CRL nextUpdate
    [InlineData(2025, 6, 18)] // before TCB info issueDate and PCK CRL thisUpdate
    [InlineData(2032, 3, 1)] // after the PCK certificate's notAfter
    public async Task CollateralOutsideItsWindowIsExpired(int year, int month, int day)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        Assert.Equal(
            AttestationFailureKind.ExpiredCollateral,
            await FailureAsync(source, new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero), TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin")));
    }

    [TestDataFact]
    public async Task WrongFmspcCollateralIsMissing()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        // Remove the quote's TCB info: the verifier must not fall back to anything else.
        File.Delete(Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.json"));
        Assert.Equal(AttestationFailureKind.MissingCollateral, await FailureAsync(source, TdxFixtures.DcapQvlTime, TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin")));
    }

    [TestDataFact]
    public async Task VerifyQuoteAsyncReportsTheRequestedTeeType()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, "dcapqvl_tdx_quote_collateral.json");
        byte[] raw = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");
        TdxQuoteVerifier verifier = new(source, timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime));
        VerifiedEvidence evidence = await verifier.VerifyQuoteAsync(TdxQuote.Parse(raw), TdxFixtures.ReportData(raw), TeeType.AzureTdx);
        Assert.Equal(TeeType.AzureTdx, evidence.Tee);
        Assert.Equal("tdx-dcap", verifier.EvidenceType);
    }
}
