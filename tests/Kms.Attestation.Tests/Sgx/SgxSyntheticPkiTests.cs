using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Collateral;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Sgx;

/// <summary>
/// Version 4 SGX quotes, revocation, every TCB status and the debug policy end to end, with
/// <see cref="SyntheticIntelPki"/> standing in for Intel's keys: dcap-qvl's SGX quote is rebuilt as a v4 quote and its
/// real collateral re-signed (edited where a test says so).
/// </summary>
public sealed class SgxSyntheticPkiTests
{
    private const string Bundle = "dcapqvl_sgx_quote_collateral.json";
    private const string MatchedStatus = "\"tcbStatus\":\"ConfigurationAndSWHardeningNeeded\"";

    private static SyntheticIntelPki Pki(bool debug = false)
    {
        byte[] raw = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        if (debug)
        {
            raw[48 + 48] |= SgxQuote.DebugFlag;
        }

        return new SyntheticIntelPki(SgxQuote.Parse(raw), TeeType.Sgx, Bundle);
    }

    private static async Task<VerifiedEvidence> VerifyAsync(
        SyntheticIntelPki pki, SgxVerificationPolicy policy, X509Certificate2[]? revokedByRoot = null, X509Certificate2[]? revokedByCa = null,
        Func<string, string>? editTcbInfo = null, Func<string, string>? editQeIdentity = null)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, revokedByRoot ?? [], revokedByCa ?? [], editTcbInfo, editQeIdentity);
        SgxQuoteVerifier verifier = new(source, policy, new FixedTimeProvider(SgxFixtures.DcapQvlTime), null, pki.Root);
        return await verifier.VerifyAsync(pki.Quote, SgxFixtures.ReportData(pki.Quote));
    }

    private static Func<string, string> MatchedLevelBecomes(string status) =>
        t => t.Replace(MatchedStatus, $"\"tcbStatus\":\"{status}\"", StringComparison.Ordinal);

    [TestDataFact]
    public async Task AVersion4SgxQuoteVerifiesEndToEnd()
    {
        using SyntheticIntelPki pki = Pki();
        Assert.Equal(4, SgxQuote.Parse(pki.Quote).Version);
        VerifiedEvidence evidence = await VerifyAsync(pki, SgxQuoteVerifierTests.AcceptAll);
        Assert.Equal(TeeType.Sgx, evidence.Tee);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, evidence.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], evidence.AdvisoryIds);
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", Convert.ToHexStringLower(evidence.Sgx!.MrEnclave.Span));
    }

    [TestDataTheory]
    [InlineData("UpToDate", TcbStatus.UpToDate)]
    [InlineData("SWHardeningNeeded", TcbStatus.SWHardeningNeeded)]
    [InlineData("ConfigurationNeeded", TcbStatus.ConfigurationNeeded)]
    [InlineData("ConfigurationAndSWHardeningNeeded", TcbStatus.ConfigurationAndSWHardeningNeeded)]
    [InlineData("OutOfDate", TcbStatus.OutOfDate)]
    [InlineData("OutOfDateConfigurationNeeded", TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData("Revoked", TcbStatus.Revoked)]
    public async Task EveryStatusOfTheMatchedLevelIsReportedWithItsAdvisoriesAndNeedsTheCallersOptIn(string json, TcbStatus status)
    {
        using SyntheticIntelPki pki = Pki();
        VerifiedEvidence evidence = await VerifyAsync(pki, SgxVerificationPolicy.Default.Accepting(status), editTcbInfo: MatchedLevelBecomes(json));
        Assert.Equal(status, evidence.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], evidence.AdvisoryIds);

        if (status != TcbStatus.UpToDate)
        {
            AttestationException refused = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, SgxVerificationPolicy.Default, editTcbInfo: MatchedLevelBecomes(json)));
            Assert.Equal(AttestationFailureKind.TcbNotAcceptable, refused.Kind);
        }
    }

    [TestDataFact]
    public async Task AnOutOfDateQuotingEnclaveMakesThePlatformOutOfDateConfigurationNeeded()
    {
        // The QE's ISVSVN 10 falls below a raised UpToDate level (11) onto the level of ISVSVN 6: OutOfDate with
        // INTEL-SA-00615, converging with the platform's ConfigurationAndSWHardeningNeeded.
        using SyntheticIntelPki pki = Pki();
        VerifiedEvidence evidence = await VerifyAsync(
            pki, SgxQuoteVerifierTests.AcceptAll, editQeIdentity: q => q.Replace("{\"isvsvn\":8}", "{\"isvsvn\":11}", StringComparison.Ordinal));
        Assert.Equal(TcbStatus.OutOfDateConfigurationNeeded, evidence.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], evidence.AdvisoryIds);
    }

    [TestDataFact]
    public async Task AQuotingEnclaveOfAnotherSignerIsRefused()
    {
        using SyntheticIntelPki pki = Pki();
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(
            pki, SgxQuoteVerifierTests.AcceptAll, editQeIdentity: q => q.Replace("\"mrsigner\":\"8C", "\"mrsigner\":\"9C", StringComparison.Ordinal)));
        Assert.Equal(AttestationFailureKind.PolicyViolation, ex.Kind);
    }

    [TestDataFact]
    public async Task APlatformBelowEveryLevelIsRefused()
    {
        // Raise every level's first component above the PCK's 11.
        using SyntheticIntelPki pki = Pki();
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(
            pki, SgxQuoteVerifierTests.AcceptAll, editTcbInfo: t => t.Replace("\"sgxtcbcomponents\":[{\"svn\":", "\"sgxtcbcomponents\":[{\"svn\":2", StringComparison.Ordinal)));
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, ex.Kind);
        Assert.Contains("TCB level not supported", ex.Message, StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task DebugEnclavesAreRefusedUnlessThePolicyAllowsThem()
    {
        using SyntheticIntelPki pki = Pki(debug: true);
        SgxVerificationPolicy accepting = SgxVerificationPolicy.Default.Accepting(TcbStatus.ConfigurationAndSWHardeningNeeded);
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, accepting));
        Assert.Equal(AttestationFailureKind.DebugNotAllowed, ex.Kind);
        Assert.Contains("enclave runs in debug mode", ex.Message, StringComparison.Ordinal);

        VerifiedEvidence evidence = await VerifyAsync(pki, accepting with { AllowDebug = true });
        Assert.True(evidence.Debug);
        Assert.Equal(0x07, evidence.Sgx!.Attributes.Span[0]);
    }

    [TestDataFact]
    public async Task FlippingAnySignedByteOfTheVersion4QuoteIsBadSignature()
    {
        using SyntheticIntelPki pki = Pki();
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, [], []);
        SgxQuoteVerifier verifier = new(source, SgxQuoteVerifierTests.AcceptAll, new FixedTimeProvider(SgxFixtures.DcapQvlTime), null, pki.Root);
        byte[] quote = pki.Quote;
        byte[] expected = SgxFixtures.ReportData(quote);
        SgxQuote parsed = SgxQuote.Parse(quote);
        int authStart = 436 + 128 + 6 + 384 + 64 + 2;
        Assert.Equal(parsed.QeAuthData.ToArray(), quote[authStart..(authStart + parsed.QeAuthData.Length)]);

        // QE/PCE SVN, user data, body; signature and attestation key; QE report and its signature; QE auth data.
        IEnumerable<int> signed = Enumerable.Range(8, 4).Concat(Enumerable.Range(28, 432 - 28)).Concat(Enumerable.Range(436, 128))
            .Concat(Enumerable.Range(436 + 128 + 6, 384 + 64)).Concat(Enumerable.Range(authStart, parsed.QeAuthData.Length));
        foreach (int position in signed)
        {
            byte[] flipped = (byte[])quote.Clone();
            flipped[position] ^= 0x01;
            AttestationException ex = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(flipped, expected));
            Assert.True(ex.Kind == AttestationFailureKind.BadSignature, $"flip at {position} gave {ex.Kind}");
        }

        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, (await verifier.VerifyAsync(quote, expected)).TcbStatus);
    }

    [TestDataFact]
    public async Task RevokedPckCertificatesCasAndTcbSignersAreRefused()
    {
        using SyntheticIntelPki pki = Pki();
        Assert.Equal(AttestationFailureKind.Revoked, (await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, SgxQuoteVerifierTests.AcceptAll, revokedByCa: [pki.Leaf]))).Kind);
        Assert.Equal(AttestationFailureKind.Revoked, (await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, SgxQuoteVerifierTests.AcceptAll, revokedByRoot: [pki.Ca]))).Kind);
        Assert.Equal(AttestationFailureKind.Revoked, (await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, SgxQuoteVerifierTests.AcceptAll, revokedByRoot: [pki.TcbSigner]))).Kind);
    }

    [TestDataFact]
    public async Task TheProductionVerifierDoesNotTrustTheSyntheticRoot()
    {
        using SyntheticIntelPki pki = Pki();
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, [], []);
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() =>
            new SgxQuoteVerifier(source, SgxQuoteVerifierTests.AcceptAll, new FixedTimeProvider(SgxFixtures.DcapQvlTime)).VerifyAsync(pki.Quote, SgxFixtures.ReportData(pki.Quote)).AsTask());
        Assert.Equal(AttestationFailureKind.UntrustedChain, ex.Kind);
    }
}
