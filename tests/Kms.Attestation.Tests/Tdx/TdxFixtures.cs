using System.Text;
using System.Text.Json;
using Kms.Attestation.Collateral;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kms-tdx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Builds collateral cache directories at test run time from the shared corpus (never copied into the repository):
/// the dcap-qvl bundles, go-tdx-guest's PCS responses, Trustee's TCB info. Instants lie inside each set's windows.
/// </summary>
internal static class TdxFixtures
{
    public const string Dir = "attestation/tdx/";
    public const string CollateralDir = "attestation/collateral/";

    /// <summary>Inside dcap-qvl's tdx_quote_collateral.json windows (TCB info 2025-06-19..07-19).</summary>
    public static readonly DateTimeOffset DcapQvlTime = new(2025, 6, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside dcap-qvl's tdx_quote_outdated_collateral.json windows (2026-02-18..03-20).</summary>
    public static readonly DateTimeOffset DcapQvlOutdatedTime = new(2026, 2, 19, 0, 0, 0, TimeSpan.Zero);

    /// <summary>go-tdx-guest verify_test.go's currentTime.</summary>
    public static readonly DateTimeOffset GoTdxGuestTime = new(2023, 7, 1, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Inside Trustee's TCB info for FMSPC 00A06D080000 (2025-10-27..11-26).</summary>
    public static readonly DateTimeOffset TrusteeTime = new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Fills <paramref name="directory"/> from a dcap-qvl QuoteCollateralV3 JSON bundle: TDX collateral with the PCK
    /// Platform CA CRL by default, or the collateral of another TEE whose PCK CRL comes from <paramref name="pckCa"/>.
    /// </summary>
    public static async Task<DirectoryCollateralSource> FromDcapQvlAsync(string directory, string bundleName, TeeType tee = TeeType.Tdx, string pckCa = "platform")
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(CollateralDir + bundleName));
        JsonElement b = bundle.RootElement;
        DirectoryCollateralSource source = new(directory);
        string tcbInfo = b.GetProperty("tcb_info").GetString()!;
        using JsonDocument tcbDoc = JsonDocument.Parse(tcbInfo);
        string fmspc = tcbDoc.RootElement.GetProperty("fmspc").GetString()!;
        await source.PutTcbInfoAsync(tee, fmspc, new SignedCollateral(
            SignedBody("tcbInfo", tcbInfo, b.GetProperty("tcb_info_signature").GetString()!),
            b.GetProperty("tcb_info_issuer_chain").GetString()!), default);
        await source.PutQeIdentityAsync(tee, new SignedCollateral(
            SignedBody("enclaveIdentity", b.GetProperty("qe_identity").GetString()!, b.GetProperty("qe_identity_signature").GetString()!),
            b.GetProperty("qe_identity_issuer_chain").GetString()!), default);
        await source.PutCrlAsync("root", Convert.FromHexString(b.GetProperty("root_ca_crl").GetString()!), default);
        await source.PutCrlAsync(pckCa, Convert.FromHexString(b.GetProperty("pck_crl").GetString()!), default);
        return source;
    }

    /// <summary>Fills <paramref name="directory"/> with go-tdx-guest's sample PCS responses (FMSPC 50806f000000 and 90c06f000000).</summary>
    public static async Task<DirectoryCollateralSource> FromGoTdxGuestAsync(string directory)
    {
        DirectoryCollateralSource source = new(directory);
        string chain = TestData.Text(CollateralDir + "gotdxguest_tcbinfo_and_qeidentity_issuer_chain_DECODED.pem");
        await source.PutTcbInfoAsync(TeeType.Tdx, "50806f000000", new SignedCollateral(TestData.Bytes(CollateralDir + "gotdxguest_sample_tcbInfo_response_fmspc50806f000000.json"), chain), default);
        await source.PutTcbInfoAsync(TeeType.Tdx, "90c06f000000", new SignedCollateral(TestData.Bytes(CollateralDir + "gotdxguest_sample_tcbinfo_response_v5_fmspc90c06f000000.json"), chain), default);
        await source.PutQeIdentityAsync(TeeType.Tdx, new SignedCollateral(TestData.Bytes(CollateralDir + "gotdxguest_sample_qeIdentity_response_TD_QE.json"), chain), default);
        await source.PutCrlAsync("root", TestData.Bytes(CollateralDir + "gotdxguest_rootcrl.der"), default);
        await source.PutCrlAsync("platform", TestData.Bytes(CollateralDir + "gotdxguest_pckcrl_platform.der"), default);
        return source;
    }

    /// <summary>Trustee's TCB info and TD_QE identity, with the Intel TCB signing chain and dcap-qvl's root CRL.</summary>
    public static async Task<DirectoryCollateralSource> FromTrusteeAsync(string directory)
    {
        DirectoryCollateralSource source = await FromDcapQvlAsync(directory, "dcapqvl_tdx_quote_collateral.json");
        string chain = TestData.Text(CollateralDir + "gotdxguest_tcbinfo_and_qeidentity_issuer_chain_DECODED.pem");
        await source.PutTcbInfoAsync(TeeType.Tdx, "00a06d080000", new SignedCollateral(TestData.Bytes(CollateralDir + "trustee_tcbInfo_TDX_fmspc00A06D080000.json"), chain), default);
        await source.PutQeIdentityAsync(TeeType.Tdx, new SignedCollateral(TestData.Bytes(CollateralDir + "trustee_enclaveIdentity_TD_QE.json"), chain), default);
        return source;
    }

    public static byte[] SignedBody(string member, string json, string signatureHex) =>
        Encoding.UTF8.GetBytes($"{{\"{member}\":{json},\"signature\":\"{signatureHex}\"}}");

    public static byte[] Quote(string name) => TestData.Bytes(Dir + name);

    public static byte[] ReportData(byte[] quote) => Kms.Attestation.Tdx.TdxQuote.Parse(quote).ReportData.ToArray();
}
