using System.Net;
using System.Text.Json;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;
using Kms.Attestation.Tests.Tdx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Attestation.Tests.Collateral;

/// <summary>
/// The fetcher against Kestrel on 127.0.0.1 serving recorded vendor responses the way Intel PCS v4, AMD KDS and MAA
/// serve them (issuer chains URL-encoded in headers). No test leaves loopback.
/// </summary>
public sealed class OnlineCollateralFetcherTests : IAsyncLifetime
{
    private readonly List<string> _requests = [];
    private WebApplication? _app;
    private Uri _base = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        if (TestData.Root is null)
        {
            return;
        }

        using JsonDocument sgxBundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + "dcapqvl_sgx_quote_collateral.json"));
        JsonElement sgx = sgxBundle.RootElement;
        byte[] sgxTcbBody = TdxFixtures.SignedBody("tcbInfo", sgx.GetProperty("tcb_info").GetString()!, sgx.GetProperty("tcb_info_signature").GetString()!);
        byte[] sgxQeBody = TdxFixtures.SignedBody("enclaveIdentity", sgx.GetProperty("qe_identity").GetString()!, sgx.GetProperty("qe_identity_signature").GetString()!);
        byte[] processorCrl = Convert.FromHexString(sgx.GetProperty("pck_crl").GetString()!);
        string sgxTcbChain = sgx.GetProperty("tcb_info_issuer_chain").GetString()!;
        string sgxQeChain = sgx.GetProperty("qe_identity_issuer_chain").GetString()!;

        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + "dcapqvl_tdx_quote_collateral.json"));
        JsonElement b = bundle.RootElement;
        byte[] tcbBody = TdxFixtures.SignedBody("tcbInfo", b.GetProperty("tcb_info").GetString()!, b.GetProperty("tcb_info_signature").GetString()!);
        byte[] qeBody = TdxFixtures.SignedBody("enclaveIdentity", b.GetProperty("qe_identity").GetString()!, b.GetProperty("qe_identity_signature").GetString()!);
        string tcbChain = b.GetProperty("tcb_info_issuer_chain").GetString()!;
        string qeChain = b.GetProperty("qe_identity_issuer_chain").GetString()!;
        string crlChain = b.GetProperty("pck_crl_issuer_chain").GetString()!;
        byte[] rootCrl = Convert.FromHexString(b.GetProperty("root_ca_crl").GetString()!);
        byte[] pckCrl = Convert.FromHexString(b.GetProperty("pck_crl").GetString()!);
        byte[] vcek = TestData.Bytes("attestation/certs/intel_sgx_root_ca.der"); // any DER: the fetcher stores, verifiers judge

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            lock (_requests)
            {
                _requests.Add(context.Request.Path + context.Request.QueryString);
            }

            await next(context);
        });
        MapSigned(_app, "/tdx/certification/v4/tcb", "B0C06F000000", "TCB-Info-Issuer-Chain", tcbChain, tcbBody);
        MapSigned(_app, "/tdx/certification/v4/qe/identity", null, "SGX-Enclave-Identity-Issuer-Chain", qeChain, qeBody);
        MapSigned(_app, "/sgx/certification/v4/tcb", "00A067110000", "TCB-Info-Issuer-Chain", sgxTcbChain, sgxTcbBody);
        MapSigned(_app, "/sgx/certification/v4/qe/identity", null, "SGX-Enclave-Identity-Issuer-Chain", sgxQeChain, sgxQeBody);
        _app.MapGet("/sgx/certification/v4/pckcrl", (HttpContext c) =>
        {
            string? ca = c.Request.Query["ca"];
            if (c.Request.Query["encoding"] != "der" || ca is not ("platform" or "processor"))
            {
                return Results.NotFound();
            }

            c.Response.Headers["SGX-PCK-CRL-Issuer-Chain"] = Uri.EscapeDataString(crlChain);
            return Results.Bytes(ca == "platform" ? pckCrl : processorCrl, "application/pkix-crl");
        });
        _app.MapGet("/IntelSGXRootCA.der", () => Results.Bytes(rootCrl, "application/pkix-crl"));
        _app.MapGet("/vcek/v1/Genoa/{hwid}", (string hwid, HttpContext c) =>
            hwid.Length == 128 && c.Request.Query["blSPL"] == "4" && c.Request.Query["teeSPL"] == "0" && c.Request.Query["snpSPL"] == "21" && c.Request.Query["ucodeSPL"] == "72"
                ? Results.Bytes(vcek, "application/x-x509-ca-cert")
                : Results.NotFound());
        _app.MapGet("/maa/.well-known/openid-configuration", (HttpContext c) =>
            Results.Json(new Dictionary<string, string> { ["jwks_uri"] = $"{c.Request.Scheme}://{c.Request.Host}/maa/certs" }));
        _app.MapGet("/maa/certs", () => Results.Text("{\"keys\":[{\"kid\":\"k1\"}]}", "application/json"));
        _app.MapGet("/evil/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string> { ["jwks_uri"] = "http://198.51.100.1/certs" }));
        _app.MapGet("/big/.well-known/openid-configuration", () => Results.Bytes(new byte[3 << 20], "application/json"));
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address.TrimEnd('/') + "/");
    }

    // A PCS response: the body, and its issuer chain URL-encoded in a header; for TCB info only the given FMSPC exists.
    private static void MapSigned(WebApplication app, string path, string? fmspc, string chainHeader, string chain, byte[] body) =>
        app.MapGet(path, (HttpContext c) =>
        {
            if (fmspc is not null && c.Request.Query["fmspc"] != fmspc)
            {
                return Results.NotFound();
            }

            c.Response.Headers[chainHeader] = Uri.EscapeDataString(chain);
            return Results.Bytes(body, "application/json");
        });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private OnlineCollateralFetcher Fetcher(string cacheDirectory, HttpClient http) => new(http, new DirectoryCollateralSource(cacheDirectory), new CollateralFetcherOptions
    {
        IntelPcsBaseUri = _base,
        IntelRootCrlUri = new Uri(_base, "IntelSGXRootCA.der"),
        AmdKdsBaseUri = _base,
        AllowHttpIssuers = true,
    });

    [TestDataFact]
    public async Task FetchOnMissFillsTheCacheAndTheQuoteVerifies()
    {
        using TempDirectory dir = new();
        using HttpClient http = new();
        OnlineCollateralFetcher fetcher = Fetcher(dir.Path, http);
        byte[] quote = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");

        TdxQuoteVerifier verifier = new(fetcher, timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime));
        VerifiedEvidence evidence = await verifier.VerifyAsync(quote, TdxFixtures.ReportData(quote));
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
        Assert.Contains("/tdx/certification/v4/tcb?fmspc=B0C06F000000", _requests);
        Assert.Contains("/sgx/certification/v4/pckcrl?ca=platform&encoding=der", _requests);

        // The cache alone now verifies the quote (offline), and what the fetcher stored equals what PCS served.
        int before = _requests.Count;
        VerifiedEvidence offline = await new TdxQuoteVerifier(new DirectoryCollateralSource(dir.Path), timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime))
            .VerifyAsync(quote, TdxFixtures.ReportData(quote));
        Assert.Equal(TcbStatus.UpToDate, offline.TcbStatus);
        await verifier.VerifyAsync(quote, TdxFixtures.ReportData(quote));
        Assert.Equal(before, _requests.Count);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.issuer-chain.pem")), StringComparison.Ordinal);
    }

    [TestDataFact]
    public async Task SgxCollateralIsFetchedFromTheSgxPathsAndTheQuoteVerifies()
    {
        using TempDirectory dir = new();
        using HttpClient http = new();
        OnlineCollateralFetcher fetcher = Fetcher(dir.Path, http);
        byte[] quote = Kms.Attestation.Tests.Sgx.SgxFixtures.Quote(Kms.Attestation.Tests.Sgx.SgxFixtures.DcapQvl);

        Kms.Attestation.Sgx.SgxQuoteVerifier verifier = new(
            fetcher, Kms.Attestation.Sgx.SgxVerificationPolicy.Default.Accepting(TcbStatus.ConfigurationAndSWHardeningNeeded), new FixedTimeProvider(Kms.Attestation.Tests.Sgx.SgxFixtures.DcapQvlTime));
        VerifiedEvidence evidence = await verifier.VerifyAsync(quote, Kms.Attestation.Tests.Sgx.SgxFixtures.ReportData(quote));
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, evidence.TcbStatus);
        Assert.Contains("/sgx/certification/v4/tcb?fmspc=00A067110000", _requests);
        Assert.Contains("/sgx/certification/v4/qe/identity", _requests);
        Assert.Contains("/sgx/certification/v4/pckcrl?ca=processor&encoding=der", _requests);
        Assert.DoesNotContain(_requests, r => r.StartsWith("/tdx/", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "sgx", "tcbinfo", "00a067110000.json")));

        // FetchSgxCollateralAsync fetches the same four items again, explicitly.
        int before = _requests.Count;
        await fetcher.FetchSgxCollateralAsync("00a067110000", "processor", default);
        Assert.Equal(before + 4, _requests.Count);
    }

    [TestDataFact]
    public async Task VcekAndJwksAreFetchedIntoTheCache()
    {
        using TempDirectory dir = new();
        using HttpClient http = new();
        OnlineCollateralFetcher fetcher = Fetcher(dir.Path, http);
        byte[] chipId = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        ulong tcb = 0x48_15_00_00_00_00_00_04; // ucode 0x48=72, snp 0x15=21, tee 0, bl 4

        ReadOnlyMemory<byte>? vcek = await fetcher.GetVcekAsync("Genoa", chipId, tcb, default);
        Assert.NotNull(vcek);
        Assert.NotNull(await new DirectoryCollateralSource(dir.Path).GetVcekAsync("Genoa", chipId, tcb, default));

        string issuer = new Uri(_base, "maa").ToString();
        Assert.Equal("{\"keys\":[{\"kid\":\"k1\"}]}", await fetcher.GetJwksAsync(issuer, default));
        Assert.Equal("{\"keys\":[{\"kid\":\"k1\"}]}", await new DirectoryCollateralSource(dir.Path).GetJwksAsync(issuer, default));
    }

    [TestDataFact]
    public async Task VendorErrorsAndHostileResponsesAreNotCached()
    {
        using TempDirectory dir = new();
        using HttpClient http = new();
        OnlineCollateralFetcher fetcher = Fetcher(dir.Path, http);

        HttpRequestException notFound = await Assert.ThrowsAsync<HttpRequestException>(() => fetcher.FetchTdxTcbInfoAsync("00806f050000", default));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => fetcher.FetchJwksAsync(new Uri(_base, "evil").ToString(), default));
        await Assert.ThrowsAsync<HttpRequestException>(() => fetcher.FetchJwksAsync(new Uri(_base, "big").ToString(), default));
        await Assert.ThrowsAsync<ArgumentException>(() => fetcher.FetchJwksAsync("file:///etc/passwd", default));
        await Assert.ThrowsAsync<ArgumentException>(() => fetcher.FetchTdxTcbInfoAsync("../../x", default));
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }
}
