using System.Text;
using Kms.Attestation.Collateral;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>Tampered, swapped or missing collateral is refused with the kind that names the problem.</summary>
public sealed class TdxCollateralTamperTests
{
    private const string Bundle = "dcapqvl_tdx_quote_collateral.json";
    private const string QuoteName = "dcapqvl_tdx_quote_v4.bin";

    private static string TcbInfoPath(string root) => Path.Combine(root, "intel", "tdx", "tcbinfo", "b0c06f000000.json");

    private static string QeIdentityPath(string root) => Path.Combine(root, "intel", "tdx", "qe-identity.json");

    private static string CrlPath(string root, string name) => Path.Combine(root, "intel", "crl", name + ".der");

    private static async Task<AttestationFailureKind> VerifyTamperedAsync(Action<string> tamper)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, Bundle);
        tamper(dir.Path);
        return await TdxQuoteVerifierTests.FailureAsync(source, TdxFixtures.DcapQvlTime, TdxFixtures.Quote(QuoteName));
    }

    private static void Replace(string path, string from, string to)
    {
        string text = File.ReadAllText(path);
        int index = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{from}' not found");
        File.WriteAllText(path, string.Concat(text.AsSpan(0, index), to, text.AsSpan(index + from.Length)));
    }

    [TestDataFact]
    public async Task AChangedTcbLevelStatusBreaksTheTcbInfoSignature()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => Replace(TcbInfoPath(d), "\"OutOfDate\"", "\"UpToDate\"")));
    }

    [TestDataFact]
    public async Task ReformattingInsideTcbInfoBreaksTheSignatureBecauseIntelSignsTheServedBytes()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => Replace(TcbInfoPath(d), "\"id\":\"TDX\",", "\"id\": \"TDX\",")));
    }

    [TestDataFact]
    public async Task WhitespaceOutsideTheSignedObjectDoesNotMatter()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(dir.Path, Bundle);
        Replace(TcbInfoPath(dir.Path), "{\"tcbInfo\":", "{ \"tcbInfo\" :\n");
        byte[] quote = TdxFixtures.Quote(QuoteName);
        VerifiedEvidence evidence = await TdxQuoteVerifierTests.VerifyAsync(source, TdxFixtures.DcapQvlTime, quote);
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
    }

    [TestDataFact]
    public async Task AFlippedTcbInfoSignatureIsBadSignature()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => Replace(TcbInfoPath(d), "\"signature\":\"02", "\"signature\":\"03")));
    }

    [TestDataFact]
    public async Task AChangedQeIdentityBreaksItsSignature()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => Replace(QeIdentityPath(d), "\"isvprodid\":2", "\"isvprodid\":3")));
    }

    [TestDataFact]
    public async Task TcbInfoSignedUnderTheWrongChainIsRefused()
    {
        // The PCK CRL issuer chain (Platform CA → root) chains to the root, but the Platform CA did not sign the TCB info.
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d =>
        {
            string pckCrlChain = System.Text.Json.JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + Bundle)).RootElement.GetProperty("pck_crl_issuer_chain").GetString()!;
            File.WriteAllText(Path.ChangeExtension(TcbInfoPath(d), null) + ".issuer-chain.pem", pckCrlChain);
        }));
    }

    [TestDataFact]
    public async Task ATcbInfoChainWithoutThePinnedRootIsUntrusted()
    {
        Assert.Equal(AttestationFailureKind.UntrustedChain, await VerifyTamperedAsync(d =>
        {
            string chainPath = Path.ChangeExtension(TcbInfoPath(d), null) + ".issuer-chain.pem";
            string chain = File.ReadAllText(chainPath);
            // Keep only the signing certificate, twice: the second is not the pinned root.
            string first = chain[..(chain.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25)];
            File.WriteAllText(chainPath, first + "\n" + first + "\n");
        }));
    }

    [TestDataFact]
    public async Task SwappedCrlsDoNotVerify()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => File.Copy(CrlPath(d, "platform"), CrlPath(d, "root"), overwrite: true)));
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d => File.Copy(CrlPath(d, "root"), CrlPath(d, "platform"), overwrite: true)));
    }

    [TestDataFact]
    public async Task ACorruptedCrlSignatureIsBadSignature()
    {
        Assert.Equal(AttestationFailureKind.BadSignature, await VerifyTamperedAsync(d =>
        {
            byte[] crl = File.ReadAllBytes(CrlPath(d, "platform"));
            crl[^5] ^= 1;
            File.WriteAllBytes(CrlPath(d, "platform"), crl);
        }));
    }

    [TestDataTheory]
    [InlineData("intel/crl/root.der")]
    [InlineData("intel/crl/platform.der")]
    [InlineData("intel/tdx/qe-identity.json")]
    [InlineData("intel/tdx/qe-identity.issuer-chain.pem")]
    [InlineData("intel/tdx/tcbinfo/b0c06f000000.issuer-chain.pem")]
    public async Task MissingPiecesAreMissingCollateral(string relative)
    {
        Assert.Equal(AttestationFailureKind.MissingCollateral, await VerifyTamperedAsync(d => File.Delete(Path.Combine(d, relative))));
    }

    [TestDataFact]
    public async Task GarbageCollateralIsMalformed()
    {
        Assert.Equal(AttestationFailureKind.Malformed, await VerifyTamperedAsync(d => File.WriteAllBytes(TcbInfoPath(d), Encoding.UTF8.GetBytes("{\"tcbInfo\":[1,2"))));
        Assert.Equal(AttestationFailureKind.Malformed, await VerifyTamperedAsync(d => File.WriteAllBytes(CrlPath(d, "root"), [0x30, 0x03, 0x02, 0x01])));
    }
}
