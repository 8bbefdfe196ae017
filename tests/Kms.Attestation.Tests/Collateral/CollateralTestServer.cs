using System.Collections.Concurrent;
using System.Text.Json;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tests.Tdx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Attestation.Tests.Collateral;

/// <summary>
/// Kestrel on 127.0.0.1 (port 0) answering PCS/KDS paths from a table the test changes between passes: a path with its
/// query (or the path alone) maps to a status, a body and headers. Unknown paths are 404. Requests are recorded.
/// </summary>
internal sealed class CollateralTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CollateralTestServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentDictionary<string, Response> Routes { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    public CollateralFetcherOptions FetcherOptions => new()
    {
        IntelPcsBaseUri = BaseUri,
        IntelRootCrlUri = new Uri(BaseUri, "IntelSGXRootCA.der"),
        AmdKdsBaseUri = BaseUri,
    };

    public static async Task<CollateralTestServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        CollateralTestServer? server = null;
        app.Run(async context =>
        {
            string full = context.Request.Path + context.Request.QueryString;
            server!.Requests.Enqueue(full);
            if (!server.Routes.TryGetValue(full, out Response? response) && !server.Routes.TryGetValue(context.Request.Path, out response))
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.StatusCode = response.Status;
            foreach ((string name, string value) in response.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.Body.WriteAsync(response.Body);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new CollateralTestServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Serves a dcap-qvl TDX bundle the way PCS serves it (issuer chains URL-encoded in headers).</summary>
    public void ServeDcapQvlTdx(string bundleName)
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + bundleName));
        JsonElement b = bundle.RootElement;
        string tcbInfo = b.GetProperty("tcb_info").GetString()!;
        using JsonDocument tcbDoc = JsonDocument.Parse(tcbInfo);
        string fmspc = tcbDoc.RootElement.GetProperty("fmspc").GetString()!;
        Routes[$"/tdx/certification/v4/tcb?fmspc={fmspc}"] = Signed(TdxFixtures.SignedBody("tcbInfo", tcbInfo, b.GetProperty("tcb_info_signature").GetString()!), "TCB-Info-Issuer-Chain", b.GetProperty("tcb_info_issuer_chain").GetString()!);
        Routes["/tdx/certification/v4/qe/identity"] = QeIdentity(bundleName);
        Routes["/IntelSGXRootCA.der"] = new Response(200, Convert.FromHexString(b.GetProperty("root_ca_crl").GetString()!), []);
        Routes["/sgx/certification/v4/pckcrl?ca=platform&encoding=der"] = new Response(
            200, Convert.FromHexString(b.GetProperty("pck_crl").GetString()!), [("SGX-PCK-CRL-Issuer-Chain", Uri.EscapeDataString(b.GetProperty("pck_crl_issuer_chain").GetString()!))]);
    }

    public static Response QeIdentity(string bundleName, Func<string, string>? editSignature = null)
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + bundleName));
        JsonElement b = bundle.RootElement;
        string signature = (editSignature ?? (s => s))(b.GetProperty("qe_identity_signature").GetString()!);
        return Signed(TdxFixtures.SignedBody("enclaveIdentity", b.GetProperty("qe_identity").GetString()!, signature), "SGX-Enclave-Identity-Issuer-Chain", b.GetProperty("qe_identity_issuer_chain").GetString()!);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static Response Signed(byte[] body, string header, string chain) => new(200, body, [(header, Uri.EscapeDataString(chain))]);

    public sealed record Response(int Status, byte[] Body, (string Name, string Value)[] Headers);
}

/// <summary>A clock the test moves.</summary>
internal sealed class MutableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
