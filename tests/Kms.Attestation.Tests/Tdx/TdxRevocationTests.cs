using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>Revocation end to end, with <see cref="SyntheticIntelPki"/> standing in for Intel's keys.</summary>
public sealed class TdxRevocationTests
{
    private static async Task<VerifiedEvidence> VerifyAsync(SyntheticIntelPki pki, X509Certificate2[] revokedByRoot, X509Certificate2[] revokedByCa)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, revokedByRoot, revokedByCa);
        TdxQuoteVerifier verifier = new(source, null, new FixedTimeProvider(TdxFixtures.DcapQvlTime), null, pki.Root);
        return await verifier.VerifyAsync(pki.Quote, TdxFixtures.ReportData(pki.Quote));
    }

    [TestDataFact]
    public async Task TheSyntheticChainVerifiesWhenNothingIsRevoked()
    {
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        VerifiedEvidence evidence = await VerifyAsync(pki, [], []);
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
    }

    [TestDataFact]
    public async Task ARevokedPckCertificateIsRefused()
    {
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, [], [pki.Leaf]));
        Assert.Equal(AttestationFailureKind.Revoked, ex.Kind);
    }

    [TestDataFact]
    public async Task ARevokedPckCaIsRefused()
    {
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, [pki.Ca], []));
        Assert.Equal(AttestationFailureKind.Revoked, ex.Kind);
    }

    [TestDataFact]
    public async Task ARevokedTcbSigningCertificateIsRefused()
    {
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => VerifyAsync(pki, [pki.TcbSigner], []));
        Assert.Equal(AttestationFailureKind.Revoked, ex.Kind);
    }

    [TestDataFact]
    public async Task TheProductionVerifierDoesNotTrustTheSyntheticRoot()
    {
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, [], []);
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() =>
            new TdxQuoteVerifier(source, timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime)).VerifyAsync(pki.Quote, TdxFixtures.ReportData(pki.Quote)).AsTask());
        Assert.Equal(AttestationFailureKind.UntrustedChain, ex.Kind);
    }

    [TestDataFact]
    public async Task StatusesBelowUpToDateNeedTheCallersOptIn()
    {
        // The quote matches the first TCB level; the synthetic TCB signer re-signs it as SWHardeningNeeded.
        using SyntheticIntelPki pki = new(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await pki.WriteCollateralAsync(dir.Path, [], [], t =>
        {
            // The platform levels are the last "tcbLevels" array (module identities carry their own, earlier).
            int levels = t.LastIndexOf("\"tcbLevels\":[", StringComparison.Ordinal);
            int index = t.IndexOf("\"tcbStatus\":\"UpToDate\"", levels, StringComparison.Ordinal);
            return string.Concat(t.AsSpan(0, index), "\"tcbStatus\":\"SWHardeningNeeded\"", t.AsSpan(index + "\"tcbStatus\":\"UpToDate\"".Length));
        });
        FixedTimeProvider time = new(TdxFixtures.DcapQvlTime);
        byte[] reportData = TdxFixtures.ReportData(pki.Quote);

        AttestationException refused = await Assert.ThrowsAsync<AttestationException>(() =>
            new TdxQuoteVerifier(source, TdxVerificationPolicy.Default, time, null, pki.Root).VerifyAsync(pki.Quote, reportData).AsTask());
        Assert.Equal(AttestationFailureKind.TcbNotAcceptable, refused.Kind);

        TdxVerificationPolicy optIn = TdxVerificationPolicy.Default.Accepting(TcbStatus.SWHardeningNeeded);
        VerifiedEvidence evidence = await new TdxQuoteVerifier(source, optIn, time, null, pki.Root).VerifyAsync(pki.Quote, reportData);
        Assert.Equal(TcbStatus.SWHardeningNeeded, evidence.TcbStatus);
    }
}
