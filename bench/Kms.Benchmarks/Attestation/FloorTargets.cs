using System.Text;
using System.Text.Json;
using Kms.Attestation;
using Kms.Attestation.Azure;
using Kms.Attestation.Collateral;
using Kms.Attestation.Sgx;
using Kms.Attestation.Snp;
using Kms.Attestation.Tdx;

namespace Kms.Benchmarks.Attestation;

/// <summary>
/// Verifiers and real evidence from the corpus in their steady state (collateral in a directory cache, verified once):
/// dcap-qvl's TDX v4 and SGX v3 quotes with their collateral, Trustee's Genoa SNP report with its VCEK, and a
/// sharedeus2 MAA token with its JWKS.
/// </summary>
internal sealed class FloorTargets : IDisposable
{
    private static readonly DateTimeOffset s_dcapQvlTime = new(2025, 6, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kms-bench-floor-" + Guid.NewGuid().ToString("N"));
    private byte[] _tdxQuote = [], _tdxReportData = [], _sgxQuote = [], _sgxReportData = [];
    private byte[] _snpEvidence = [], _snpReportData = [];
    private byte[] _maaToken = [];
    private TdxQuoteVerifier _tdx = null!;
    private SgxQuoteVerifier _sgx = null!;
    private SnpEvidenceVerifier _snp = null!;
    private MaaEvidenceVerifier _maa = null!;

    public static async Task<FloorTargets> CreateAsync(string root)
    {
        FloorTargets t = new();
        DirectoryCollateralSource source = new(t._directory);
        await PutDcapQvlAsync(source, Path.Combine(root, "attestation/collateral/dcapqvl_tdx_quote_collateral.json"), TeeType.Tdx, "platform");
        await PutDcapQvlAsync(source, Path.Combine(root, "attestation/collateral/dcapqvl_sgx_quote_collateral.json"), TeeType.Sgx, "processor");
        FixedClock clock = new(s_dcapQvlTime);

        t._tdxQuote = File.ReadAllBytes(Path.Combine(root, "attestation/tdx/dcapqvl_tdx_quote_v4.bin"));
        t._tdxReportData = TdxQuote.Parse(t._tdxQuote).ReportData.ToArray();
        t._tdx = new TdxQuoteVerifier(source, timeProvider: clock);

        t._sgxQuote = File.ReadAllBytes(Path.Combine(root, "attestation/collateral/dcapqvl_sgx_quote_v3.bin"));
        t._sgxReportData = SgxQuote.Parse(t._sgxQuote).ReportData.ToArray();
        t._sgx = new SgxQuoteVerifier(source, SgxVerificationPolicy.Default.Accepting(TcbStatus.ConfigurationAndSWHardeningNeeded), clock);

        byte[] report = File.ReadAllBytes(Path.Combine(root, "attestation/sev-snp/trustee_azure_snp_genoa_report_v3_EXTRACTED.bin"));
        byte[] vcek = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(root, "attestation/sev-snp/trustee_azure_snp_vcek_genoa.pem"))).RawData;
        t._snpEvidence = [.. report, .. vcek];
        t._snpReportData = report.AsSpan(0x50, 64).ToArray();
        t._snp = new SnpEvidenceVerifier(SnpPolicy.Default, new FixedClock(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)));

        string token = File.ReadAllText(Path.Combine(root, "attestation/maa/jesserc_sharedeus2_sevsnpvm_2025-01-12_EXTRACTED.jwt")).Trim();
        t._maaToken = Encoding.UTF8.GetBytes(token);
        await source.PutJwksAsync("https://sharedeus2.eus2.attest.azure.net", File.ReadAllText(Path.Combine(root, "attestation/maa/jwks_DERIVED_from_secretnetwork_KNOWN_JWT_KEYS.json")), default);
        t._maa = new MaaEvidenceVerifier(
            new MaaTokenOptions { AllowedIssuers = ["https://sharedeus2.eus2.attest.azure.net"], ReportDataClaim = MaaReportDataClaim.UserData },
            new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1736697400 + 3600)),
            source);

        // Every path must verify before it is timed.
        if (t.VerifyTdx() is not VerifiedEvidence { TcbStatus: TcbStatus.UpToDate } || t.VerifySgx() is not VerifiedEvidence || t.VerifySnp() is not VerifiedEvidence || t.VerifyMaa() is not VerifiedEvidence)
        {
            throw new InvalidOperationException("A sample did not verify.");
        }

        return t;
    }

    /// <summary>Components, to see where the time above the signature goes.</summary>
    public IEnumerable<(string Name, Func<object> Run)> Components()
    {
        TdxQuote parsed = TdxQuote.Parse(_tdxQuote);
        System.Security.Cryptography.ECDsa key = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = parsed.AttestationKey[..32].ToArray(), Y = parsed.AttestationKey[32..].ToArray() },
        });
        byte[] signed = parsed.SignedRegion.ToArray();
        byte[] signature = parsed.Signature.ToArray();
        DirectoryCollateralSource source = new(_directory);
        yield return (".NET ECDsa P-256 VerifyData (TDX signed region)", () => key.VerifyData(signed, signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
        yield return ("TdxQuote.Parse", () => TdxQuote.Parse(_tdxQuote));
        Kms.Attestation.Intel.IntelCollateralVerifier collateral = new(source, new Kms.Attestation.Intel.VerificationCache(), Kms.Attestation.Intel.IntelSgxRootCa.Certificate);
        Kms.Attestation.Intel.PckCertificateExtensions pck = Kms.Attestation.Intel.PckCertificateExtensions.Read(Kms.Attestation.X509.PemCertificates.Parse(parsed.PckCertChainPem.Span)[0]);
        Kms.Attestation.X509.CertificateRevocationList rootCrl = collateral.GetRootCrlAsync(s_dcapQvlTime, default).GetAwaiter().GetResult();
        yield return ("TDX: root CRL", () => collateral.GetRootCrlAsync(s_dcapQvlTime, default).GetAwaiter().GetResult());
        yield return ("TDX: TCB info", () => collateral.GetTcbInfoAsync(TeeType.Tdx, pck, Kms.Attestation.Intel.TdxTcbInfo.Parse, rootCrl, s_dcapQvlTime, default).GetAwaiter().GetResult());
        yield return ("TDX: TD_QE identity", () => collateral.GetQeIdentityAsync(TeeType.Tdx, "TD_QE", rootCrl, s_dcapQvlTime, default).GetAwaiter().GetResult());
        Kms.Attestation.Intel.TdxTcbInfo tcbInfo = collateral.GetTcbInfoAsync(TeeType.Tdx, pck, Kms.Attestation.Intel.TdxTcbInfo.Parse, rootCrl, s_dcapQvlTime, default).GetAwaiter().GetResult();
        Kms.Attestation.Intel.EnclaveIdentity qeIdentity = collateral.GetQeIdentityAsync(TeeType.Tdx, "TD_QE", rootCrl, s_dcapQvlTime, default).GetAwaiter().GetResult();
        yield return ("TDX: TCB evaluation", () => Kms.Attestation.Intel.TdxTcbEvaluator.Evaluate(tcbInfo, pck, parsed.TeeTcbSvn.Span, parsed.MrSignerSeam.Span, parsed.SeamAttributes.Span, qeIdentity, parsed.QeReport.Span));
        string token = Encoding.UTF8.GetString(_maaToken);
        MaaSigningKeys keys = MaaSigningKeys.Parse(source.GetJwksAsync("https://sharedeus2.eus2.attest.azure.net", default).GetAwaiter().GetResult()!);
        keys.TryGetSigningKey(MaaTokenVerifierKid(token), out MaaSigningKey? signingKey);
        byte[] signedBytes = Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
        byte[] rsaSignature = Convert.FromBase64String(Pad(token[(token.LastIndexOf('.') + 1)..]));
        yield return (".NET RSA-2048 VerifyData (MAA token)", () => signingKey!.Rsa.VerifyData(signedBytes, rsaSignature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
        byte[] digest = System.Security.Cryptography.SHA256.HashData(signedBytes);
        yield return (".NET RSA-2048 VerifyHash (MAA token digest)", () => signingKey!.Rsa.VerifyHash(digest, rsaSignature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
        yield return (".NET SHA-256 (MAA signing input)", () => System.Security.Cryptography.SHA256.HashData(signedBytes));
    }

    private static string MaaTokenVerifierKid(string token)
    {
        using JsonDocument header = JsonDocument.Parse(Convert.FromBase64String(Pad(token[..token.IndexOf('.')])));
        return header.RootElement.GetProperty("kid").GetString()!;
    }

    private static string Pad(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }

    public object VerifyTdx() => _tdx.VerifyAsync(_tdxQuote, _tdxReportData).GetAwaiter().GetResult();

    public object VerifySgx() => _sgx.VerifyAsync(_sgxQuote, _sgxReportData).GetAwaiter().GetResult();

    public object VerifySnp() => _snp.VerifyAsync(_snpEvidence, _snpReportData).GetAwaiter().GetResult();

    /// <summary>Length of the MAA token's signing input (header.payload), the bytes RS256 hashes.</summary>
    public int MaaSigningInputLength => Array.LastIndexOf(_maaToken, (byte)'.');

    public object VerifyMaa() => _maa.VerifyAsync(_maaToken, new byte[64]).GetAwaiter().GetResult();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task PutDcapQvlAsync(DirectoryCollateralSource source, string bundlePath, TeeType tee, string pckCa)
    {
        using JsonDocument bundle = JsonDocument.Parse(await File.ReadAllTextAsync(bundlePath));
        JsonElement b = bundle.RootElement;
        string tcbInfo = b.GetProperty("tcb_info").GetString()!;
        using JsonDocument tcb = JsonDocument.Parse(tcbInfo);
        string fmspc = tcb.RootElement.GetProperty("fmspc").GetString()!.ToLowerInvariant();
        await source.PutTcbInfoAsync(tee, fmspc, new SignedCollateral(Body("tcbInfo", tcbInfo, b.GetProperty("tcb_info_signature").GetString()!), b.GetProperty("tcb_info_issuer_chain").GetString()!), default);
        await source.PutQeIdentityAsync(tee, new SignedCollateral(
            Body("enclaveIdentity", b.GetProperty("qe_identity").GetString()!, b.GetProperty("qe_identity_signature").GetString()!),
            b.GetProperty("qe_identity_issuer_chain").GetString()!), default);
        await source.PutCrlAsync("root", Convert.FromHexString(b.GetProperty("root_ca_crl").GetString()!), default);
        await source.PutCrlAsync(pckCa, Convert.FromHexString(b.GetProperty("pck_crl").GetString()!), default);
    }

    private static byte[] Body(string member, string json, string signature) =>
        Encoding.UTF8.GetBytes($"{{\"{member}\":{json},\"signature\":\"{signature}\"}}");

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
