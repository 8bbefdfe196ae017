using Kms.Attestation.Collateral;
using Kms.Attestation.Snp;
using Kms.Attestation.Tests.Snp;
using Kms.Attestation.Tests.Tdx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kms.Attestation.Tests.Collateral;

/// <summary>The background refresher against a loopback server serving the corpus' real PCS responses (and BouncyCastle AMD CRLs).</summary>
public sealed class CollateralRefresherTests
{
    private const string Bundle2025 = "dcapqvl_tdx_quote_collateral.json";          // TDX b0c06f000000, QE identity, CRLs: 2025-06-19..07-19
    private const string Bundle2026 = "dcapqvl_tdx_quote_outdated_collateral.json"; // TDX 90c06f000000, QE identity, PCK CRL: 2026-02-18..03-20

    [TestDataFact]
    public async Task RenewsWhatIsDueKeepsTheLastGoodCopyAndReportsAges()
    {
        await using CollateralTestServer server = await CollateralTestServer.StartAsync();
        server.ServeDcapQvlTdx(Bundle2026);
        server.Routes["/tdx/certification/v4/tcb?fmspc=B0C06F000000"] = new CollateralTestServer.Response(503, [], []);
        using TempDirectory dir = new();
        await TdxFixtures.FromDcapQvlAsync(dir.Path, Bundle2025);
        string qePath = Path.Combine(dir.Path, "intel", "tdx", "qe-identity.json");
        string tcbPath = Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.json");
        byte[] tcb2025 = await File.ReadAllBytesAsync(tcbPath);
        byte[] qe2025 = await File.ReadAllBytesAsync(qePath);

        MutableTimeProvider clock = new(new DateTimeOffset(2025, 6, 20, 0, 0, 0, TimeSpan.Zero));
        using HttpClient http = new();
        CollateralRefresher refresher = new(
            new OnlineCollateralFetcher(http, new DirectoryCollateralSource(dir.Path), server.FetcherOptions),
            new CollateralRefreshOptions { TdxFmspcs = ["b0c06f000000"], IntelPckCas = ["platform"] },
            clock);

        // Nothing is due a day after issue: no request, and the age of each copy in use.
        Assert.True(await refresher.RefreshOnceAsync(default));
        Assert.Empty(server.Requests);
        CollateralItemStatus tcb = Status(refresher, "intel/tdx/tcbinfo/b0c06f000000");
        Assert.Equal(new DateTimeOffset(2025, 6, 19, 10, 16, 3, TimeSpan.Zero), tcb.InUse!.Value.IssuedAt);
        Assert.Equal(new TimeSpan(13, 43, 57), tcb.Age);
        Assert.Equal(["intel/crl/platform", "intel/crl/root", "intel/tdx/qe-identity", "intel/tdx/tcbinfo/b0c06f000000"], refresher.GetStatus().Select(s => s.Item));

        // Eleven hours before the TCB info's nextUpdate: the TCB info, QE identity and PCK CRL are due, the root CRL (2026) is not.
        clock.Now = new DateTimeOffset(2025, 7, 18, 23, 0, 0, TimeSpan.Zero);
        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.DoesNotContain("/IntelSGXRootCA.der", server.Requests);
        Assert.Contains("/sgx/certification/v4/pckcrl?ca=platform&encoding=der", server.Requests);

        // PCS failed for the TCB info: the 2025 copy stays, with the error and its age.
        Assert.Equal(tcb2025, await File.ReadAllBytesAsync(tcbPath));
        tcb = Status(refresher, "intel/tdx/tcbinfo/b0c06f000000");
        Assert.Contains("503", tcb.LastError, StringComparison.Ordinal);
        Assert.Equal(clock.Now - new DateTimeOffset(2025, 6, 19, 10, 16, 3, TimeSpan.Zero), tcb.Age);
        Assert.False(tcb.Expired);

        // The QE identity and the PCK CRL were replaced by PCS' newer ones.
        Assert.Equal(CollateralTestServer.QeIdentity(Bundle2026).Body, await File.ReadAllBytesAsync(qePath));
        CollateralItemStatus qe = Status(refresher, "intel/tdx/qe-identity");
        Assert.Equal(new DateTimeOffset(2026, 2, 18, 10, 42, 15, TimeSpan.Zero), qe.InUse!.Value.IssuedAt);
        Assert.Equal(clock.Now, qe.LastRenewed);
        Assert.Null(qe.LastError);
        Assert.Equal(new DateTimeOffset(2026, 2, 18, 10, 41, 15, TimeSpan.Zero), Status(refresher, "intel/crl/platform").InUse!.Value.IssuedAt);

        // Near the 2026 nextUpdate: a badly signed QE identity, then the 2025 one (expired, and older), are refused; the 2026 copy stays.
        clock.Now = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);
        server.Routes["/tdx/certification/v4/qe/identity"] = CollateralTestServer.QeIdentity(Bundle2026, s => (s[0] == '0' ? "1" : "0") + s[1..]);
        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.Contains("signature", Status(refresher, "intel/tdx/qe-identity").LastError, StringComparison.Ordinal);
        server.Routes["/tdx/certification/v4/qe/identity"] = CollateralTestServer.QeIdentity(Bundle2025);
        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.Contains("expired", Status(refresher, "intel/tdx/qe-identity").LastError, StringComparison.Ordinal);
        Assert.Equal(CollateralTestServer.QeIdentity(Bundle2026).Body, await File.ReadAllBytesAsync(qePath));
        Assert.NotEqual(qe2025, await File.ReadAllBytesAsync(qePath));

        // The 2025 TCB info is now long expired, and still the copy in use (verifiers refuse it as expired).
        Assert.True(Status(refresher, "intel/tdx/tcbinfo/b0c06f000000").Expired);
    }

    [TestDataFact]
    public async Task AMissingItemIsFetchedAndAPckCrlWithoutItsIssuerChainIsRefused()
    {
        await using CollateralTestServer server = await CollateralTestServer.StartAsync();
        server.ServeDcapQvlTdx(Bundle2025);
        CollateralTestServer.Response crl = server.Routes["/sgx/certification/v4/pckcrl?ca=platform&encoding=der"];
        server.Routes["/sgx/certification/v4/pckcrl?ca=platform&encoding=der"] = crl with { Headers = [] };
        using TempDirectory dir = new();
        using HttpClient http = new();
        CollateralRefresher refresher = new(
            new OnlineCollateralFetcher(http, new DirectoryCollateralSource(dir.Path), server.FetcherOptions),
            new CollateralRefreshOptions { TdxFmspcs = ["B0C06F000000"], IntelPckCas = ["platform"] },
            new MutableTimeProvider(TdxFixtures.DcapQvlTime));

        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.Null(Status(refresher, "intel/crl/platform").InUse);
        Assert.Contains("Issuer-Chain", Status(refresher, "intel/crl/platform").LastError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "intel", "crl", "platform.der")));

        // With the header the set is complete, and the TDX quote verifies from the refreshed cache alone.
        server.Routes["/sgx/certification/v4/pckcrl?ca=platform&encoding=der"] = crl;
        Assert.True(await refresher.RefreshOnceAsync(default));
        byte[] quote = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");
        VerifiedEvidence evidence = await new Kms.Attestation.Tdx.TdxQuoteVerifier(new DirectoryCollateralSource(dir.Path), timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime))
            .VerifyAsync(quote, TdxFixtures.ReportData(quote));
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
    }

    [TestDataFact]
    public async Task RenewsAmdCrlsAndCachedVceksAndKeepsThemWhenADownloadIsBad()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        await using CollateralTestServer server = await CollateralTestServer.StartAsync();
        server.Routes["/vcek/v1/Milan/crl"] = new CollateralTestServer.Response(200, pki.Crl(), []);
        server.Routes["/vlek/v1/Milan/crl"] = new CollateralTestServer.Response(200, pki.Crl([pki.Asvk]), []);

        // A real Milan VCEK in the cache, under the chip id and TCB of its report.
        using TempDirectory dir = new();
        DirectoryCollateralSource cache = new(dir.Path);
        SnpReport report = SnpReport.Parse(SnpTestData.MilanReport);
        await cache.PutVcekAsync("Milan", report.Measurements.ChipId, report.Measurements.ReportedTcb, SnpTestData.MilanVcek, default);
        string chipHex = Convert.ToHexStringLower(report.Measurements.ChipId.Span);
        server.Routes[$"/vcek/v1/Milan/{chipHex}"] = new CollateralTestServer.Response(200, SnpTestData.GenoaVcek, []);

        MutableTimeProvider clock = new(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero));
        using HttpClient http = new();
        CollateralRefresher refresher = new(
            new OnlineCollateralFetcher(http, cache, server.FetcherOptions),
            new CollateralRefreshOptions { AmdFamilies = ["Milan"] },
            clock,
            null,
            Kms.Attestation.Intel.IntelSgxRootCa.Certificate,
            _ => pki.Chain);

        Assert.True(await refresher.RefreshOnceAsync(default));
        Assert.Equal(pki.Crl().Length, (await cache.GetAmdCrlAsync("Milan", "vcek", default))!.Value.Length);
        Assert.NotNull(await cache.GetAmdCrlAsync("Milan", "vlek", default));
        Assert.Equal(["amd/crl/Milan/vcek", "amd/crl/Milan/vlek", $"amd/vcek/Milan/{chipHex}/{report.Measurements.ReportedTcb:x16}"], refresher.GetStatus().Select(s => s.Item));

        // The VCEK is not due for years; at its notAfter it is, and the server's wrong certificate (a Genoa VCEK) is refused.
        CollateralItemStatus vcek = refresher.GetStatus()[2];
        Assert.Null(vcek.LastRenewed);
        clock.Now = vcek.InUse!.Value.NextUpdate.AddHours(-1);
        byte[] crl = (await cache.GetAmdCrlAsync("Milan", "vcek", default))!.Value.ToArray();
        server.Routes["/vcek/v1/Milan/crl"] = new CollateralTestServer.Response(200, pki.Crl(signer: TestAmdPki.NewKey().Private), []);
        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.Equal(SnpTestData.MilanVcek, (await cache.GetVcekAsync("Milan", report.Measurements.ChipId, report.Measurements.ReportedTcb, default))!.Value.ToArray());
        Assert.NotNull(refresher.GetStatus()[2].LastError);
        Assert.Equal(crl, (await cache.GetAmdCrlAsync("Milan", "vcek", default))!.Value.ToArray());
        Assert.Contains("signature", refresher.GetStatus()[0].LastError, StringComparison.Ordinal);

        // The right VCEK is accepted (and stored again).
        server.Routes[$"/vcek/v1/Milan/{chipHex}"] = new CollateralTestServer.Response(200, SnpTestData.MilanVcek, []);
        await refresher.RefreshOnceAsync(default);
        Assert.Null(refresher.GetStatus()[2].LastError);
        Assert.Equal(clock.Now, refresher.GetStatus()[2].LastRenewed);
    }

    [Fact]
    public async Task ADownloadOlderThanTheCopyInUseIsRefused()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        await using CollateralTestServer server = await CollateralTestServer.StartAsync();
        DateTime earlier = TestAmdPki.ThisUpdate.AddDays(-1);
        server.Routes["/vcek/v1/Milan/crl"] = new CollateralTestServer.Response(200, pki.Crl(thisUpdate: earlier, nextUpdate: TestAmdPki.NextUpdate.AddDays(1)), []);
        server.Routes["/vlek/v1/Milan/crl"] = new CollateralTestServer.Response(200, pki.Crl(thisUpdate: TestAmdPki.ThisUpdate.AddDays(1), nextUpdate: TestAmdPki.NextUpdate.AddDays(1)), []);
        using TempDirectory dir = new();
        DirectoryCollateralSource cache = new(dir.Path);
        byte[] inUse = pki.Crl();
        await cache.PutAmdCrlAsync("Milan", "vcek", inUse, default);
        await cache.PutAmdCrlAsync("Milan", "vlek", inUse, default);
        using HttpClient http = new();
        CollateralRefresher refresher = new(
            new OnlineCollateralFetcher(http, cache, server.FetcherOptions),
            new CollateralRefreshOptions { AmdFamilies = ["Milan"] },
            new MutableTimeProvider(new DateTimeOffset(TestAmdPki.NextUpdate.AddHours(-12))),
            null,
            Kms.Attestation.Intel.IntelSgxRootCa.Certificate,
            _ => pki.Chain);

        Assert.False(await refresher.RefreshOnceAsync(default));
        Assert.Contains("older", Status(refresher, "amd/crl/Milan/vcek").LastError, StringComparison.Ordinal);
        Assert.Equal(inUse, (await cache.GetAmdCrlAsync("Milan", "vcek", default))!.Value.ToArray());
        Assert.Null(Status(refresher, "amd/crl/Milan/vlek").LastError);
        Assert.NotEqual(inUse, (await cache.GetAmdCrlAsync("Milan", "vlek", default))!.Value.ToArray());
    }

    [TestDataFact]
    public async Task TheHostedServiceRunsPassesUntilStopped()
    {
        await using CollateralTestServer server = await CollateralTestServer.StartAsync();
        server.ServeDcapQvlTdx(Bundle2025);
        using TempDirectory dir = new();
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(new MutableTimeProvider(TdxFixtures.DcapQvlTime));
        services.AddKmsCollateralRefresher(dir.Path, o =>
        {
            o.TdxFmspcs = ["b0c06f000000"];
            o.IntelPckCas = ["platform"];
        }, server.FetcherOptions);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService service = Assert.Single(provider.GetServices<IHostedService>());
        CollateralRefresher refresher = provider.GetRequiredService<CollateralRefresher>();

        await service.StartAsync(default);
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (refresher.GetStatus().Count(s => s.LastRenewed is not null) < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        using CancellationTokenSource stop = new(TimeSpan.FromSeconds(10));
        await service.StopAsync(stop.Token);
        Assert.False(stop.IsCancellationRequested);
        Assert.Equal(4, refresher.GetStatus().Count(s => s.LastRenewed is not null && s.LastError is null));
        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.json")));
    }

    [Fact]
    public void OptionsOutOfRangeAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new CollateralRefreshOptions { TdxFmspcs = ["../etc"] }.Validate());
        Assert.Throws<ArgumentException>(() => new CollateralRefreshOptions { IntelPckCas = ["root"] }.Validate());
        Assert.Throws<ArgumentException>(() => new CollateralRefreshOptions { AmdFamilies = ["Naples"] }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollateralRefreshOptions { CheckInterval = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollateralRefreshOptions { RenewBefore = TimeSpan.FromSeconds(-1) }.Validate());
    }

    private static CollateralItemStatus Status(CollateralRefresher refresher, string item) => refresher.GetStatus().Single(s => s.Item == item);
}
