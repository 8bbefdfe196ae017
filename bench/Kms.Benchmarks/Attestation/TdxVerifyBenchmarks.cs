using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Kms.Attestation;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;

namespace Kms.Benchmarks.Attestation;

/// <summary>
/// Full verification of dcap-qvl's real TDX v4 quote with collateral in a directory cache (parsed collateral and the
/// PCK CA link cached; quote signature, QE report signature, attestation-key binding, PCK leaf link, validity windows,
/// CRL lookups and TCB evaluation on every call). Needs KMS_TESTDATA pointing at the shared testdata folder.
/// Run: dotnet run -c Release --project bench/Kms.Benchmarks -- --filter '*TdxVerify*'
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[MedianColumn]
public class TdxVerifyBenchmarks
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 20, 0, 0, 0, TimeSpan.Zero);
    private string _cacheDirectory = "";
    private byte[] _quote = [];
    private byte[] _reportData = [];
    private TdxQuoteVerifier _verifier = null!;
    private System.Security.Cryptography.ECDsa _attestationKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = Environment.GetEnvironmentVariable("KMS_TESTDATA")
            ?? throw new InvalidOperationException("Set KMS_TESTDATA to the shared testdata folder.");
        _quote = File.ReadAllBytes(Path.Combine(root, "attestation/tdx/dcapqvl_tdx_quote_v4.bin"));
        _reportData = TdxQuote.Parse(_quote).ReportData.ToArray();

        _cacheDirectory = Path.Combine(Path.GetTempPath(), "kms-bench-tdx-" + Guid.NewGuid().ToString("N"));
        DirectoryCollateralSource source = new(_cacheDirectory);
        using JsonDocument bundle = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "attestation/collateral/dcapqvl_tdx_quote_collateral.json")));
        JsonElement b = bundle.RootElement;
        source.PutTcbInfoAsync(TeeType.Tdx, "b0c06f000000", new SignedCollateral(
            Body("tcbInfo", b.GetProperty("tcb_info").GetString()!, b.GetProperty("tcb_info_signature").GetString()!),
            b.GetProperty("tcb_info_issuer_chain").GetString()!), default).GetAwaiter().GetResult();
        source.PutQeIdentityAsync(TeeType.Tdx, new SignedCollateral(
            Body("enclaveIdentity", b.GetProperty("qe_identity").GetString()!, b.GetProperty("qe_identity_signature").GetString()!),
            b.GetProperty("qe_identity_issuer_chain").GetString()!), default).GetAwaiter().GetResult();
        source.PutCrlAsync("root", Convert.FromHexString(b.GetProperty("root_ca_crl").GetString()!), default).GetAwaiter().GetResult();
        source.PutCrlAsync("platform", Convert.FromHexString(b.GetProperty("pck_crl").GetString()!), default).GetAwaiter().GetResult();

        _verifier = new TdxQuoteVerifier(source, timeProvider: new FixedTime(s_now));
        TdxQuote parsed = TdxQuote.Parse(_quote);
        _attestationKey = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = parsed.AttestationKey[..32].ToArray(), Y = parsed.AttestationKey[32..].ToArray() },
        });
        VerifiedEvidence warm = _verifier.VerifyAsync(_quote, _reportData).GetAwaiter().GetResult();
        if (warm.TcbStatus != TcbStatus.UpToDate)
        {
            throw new InvalidOperationException("The sample quote must verify as UpToDate.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _attestationKey.Dispose();
        Directory.Delete(_cacheDirectory, recursive: true);
    }

    [Benchmark]
    public TcbStatus VerifyV4QuoteWithCachedCollateral() => _verifier.VerifyAsync(_quote, _reportData).GetAwaiter().GetResult().TcbStatus;

    /// <summary>One ECDSA P-256 verification (the quote signature alone): a full verification performs three.</summary>
    [Benchmark]
    public bool SingleEcdsaP256Verify() =>
        _attestationKey.VerifyData(TdxQuote.Parse(_quote).SignedRegion.Span, TdxQuote.Parse(_quote).Signature.Span, System.Security.Cryptography.HashAlgorithmName.SHA256);

    [Benchmark]
    public int ParseV4Quote() => TdxQuote.Parse(_quote).Body.Length;

    private static byte[] Body(string member, string json, string signature) =>
        Encoding.UTF8.GetBytes($"{{\"{member}\":{json},\"signature\":\"{signature}\"}}");

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
