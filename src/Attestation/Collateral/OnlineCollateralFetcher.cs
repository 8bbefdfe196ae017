using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Kms.Attestation.Collateral;

/// <summary>
/// Fetches collateral from the vendors (Intel PCS v4, AMD KDS, an MAA instance's JWKS) into a
/// <see cref="DirectoryCollateralSource"/>, and serves reads from that cache, fetching on a miss. It does not judge what
/// it fetches: verifiers check every signature, chain and validity window, so a bad response fails verification
/// instead of being trusted. Register it as a typed HttpClient (<c>services.AddHttpClient&lt;OnlineCollateralFetcher&gt;()</c>).
/// </summary>
public sealed class OnlineCollateralFetcher : ICollateralSource
{
    private static readonly string[] s_tcbInfoChainHeaders = ["TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"];
    private static readonly string[] s_qeIdentityChainHeaders = ["SGX-Enclave-Identity-Issuer-Chain", "Enclave-Identity-Issuer-Chain"];

    private readonly HttpClient _http;
    private readonly DirectoryCollateralSource _cache;

    /// <summary>The cache directory this fetcher fills.</summary>
    internal DirectoryCollateralSource Cache => _cache;
    private readonly CollateralFetcherOptions _options;

    public OnlineCollateralFetcher(HttpClient httpClient, DirectoryCollateralSource cache, CollateralFetcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(cache);
        _http = httpClient;
        _cache = cache;
        _options = options ?? new CollateralFetcherOptions();
    }

    /// <summary>Fetches the TDX TCB info for a FMSPC (<c>GET /tdx/certification/v4/tcb?fmspc=</c>) into the cache.</summary>
    public Task<SignedCollateral> FetchTdxTcbInfoAsync(string fmspc, CancellationToken cancellationToken) =>
        FetchTcbInfoAsync(TeeType.Tdx, fmspc, cancellationToken);

    /// <summary>Fetches the SGX TCB info for a FMSPC (<c>GET /sgx/certification/v4/tcb?fmspc=</c>) into the cache.</summary>
    public Task<SignedCollateral> FetchSgxTcbInfoAsync(string fmspc, CancellationToken cancellationToken) =>
        FetchTcbInfoAsync(TeeType.Sgx, fmspc, cancellationToken);

    /// <summary>Fetches the TD_QE identity (<c>GET /tdx/certification/v4/qe/identity</c>) into the cache.</summary>
    public Task<SignedCollateral> FetchTdxQeIdentityAsync(CancellationToken cancellationToken) =>
        FetchQeIdentityAsync(TeeType.Tdx, cancellationToken);

    /// <summary>Fetches the SGX QE identity (<c>GET /sgx/certification/v4/qe/identity</c>) into the cache.</summary>
    public Task<SignedCollateral> FetchSgxQeIdentityAsync(CancellationToken cancellationToken) =>
        FetchQeIdentityAsync(TeeType.Sgx, cancellationToken);

    /// <summary>Fetches a CRL into the cache: "root" from the root CA's distribution point, "platform"/"processor" from PCS.</summary>
    public async Task<byte[]> FetchCrlAsync(string name, CancellationToken cancellationToken)
    {
        (byte[] der, _) = await DownloadCrlAsync(name, cancellationToken).ConfigureAwait(false);
        await _cache.PutCrlAsync(name, der, cancellationToken).ConfigureAwait(false);
        return der;
    }

    /// <summary>Downloads a CRL without storing it, with PCS' SGX-PCK-CRL-Issuer-Chain header (PCK CRLs) when sent.</summary>
    internal async Task<(byte[] Der, string? IssuerChainPem)> DownloadCrlAsync(string name, CancellationToken cancellationToken)
    {
        Uri uri = name switch
        {
            "root" => _options.IntelRootCrlUri,
            "platform" or "processor" => new Uri(_options.IntelPcsBaseUri, $"sgx/certification/v4/pckcrl?ca={name}&encoding=der"),
            _ => throw new ArgumentException("CRL name must be root, platform or processor.", nameof(name)),
        };
        (byte[] der, HttpResponseHeaders headers) = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        string? chain = headers.TryGetValues("SGX-PCK-CRL-Issuer-Chain", out IEnumerable<string>? values) ? Uri.UnescapeDataString(string.Concat(values)) : null;
        return (der, chain);
    }

    /// <summary>Fetches everything a TDX quote of this FMSPC needs: TCB info, TD_QE identity, root and PCK CRLs.</summary>
    public Task FetchTdxCollateralAsync(string fmspc, string pckCa, CancellationToken cancellationToken) =>
        FetchCollateralAsync(TeeType.Tdx, fmspc, pckCa, cancellationToken);

    /// <summary>Fetches everything an SGX quote of this FMSPC needs: TCB info, QE identity, root and PCK CRLs.</summary>
    public Task FetchSgxCollateralAsync(string fmspc, string pckCa, CancellationToken cancellationToken) =>
        FetchCollateralAsync(TeeType.Sgx, fmspc, pckCa, cancellationToken);

    /// <summary>
    /// Fetches a VCEK from AMD KDS (<c>GET /vcek/v1/{family}/{hwid}?blSPL=&amp;teeSPL=&amp;snpSPL=&amp;ucodeSPL=</c>) into the cache.
    /// The SPLs come from the reported TCB: Milan/Genoa bytes 0 (bootloader), 1 (TEE), 6 (SNP), 7 (microcode); Turin
    /// bytes 0 (FMC), 1 (bootloader), 2 (TEE), 3 (SNP), 7 (microcode), with the 8-byte hardware id Turin uses.
    /// </summary>
    public async Task<byte[]> FetchVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken)
    {
        byte[] der = await DownloadVcekAsync(processorFamily, chipId, reportedTcb, cancellationToken).ConfigureAwait(false);
        await _cache.PutVcekAsync(processorFamily, chipId, reportedTcb, der, cancellationToken).ConfigureAwait(false);
        return der;
    }

    /// <summary>Downloads a VCEK without storing it.</summary>
    internal async Task<byte[]> DownloadVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken)
    {
        if (chipId.Length != 64)
        {
            throw new ArgumentException("The chip id must be 64 bytes.", nameof(chipId));
        }

        Span<byte> tcb = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(tcb, reportedTcb);
        string query = processorFamily switch
        {
            "Milan" or "Genoa" => Invariant($"{Convert.ToHexStringLower(chipId.Span)}?blSPL={tcb[0]}&teeSPL={tcb[1]}&snpSPL={tcb[6]}&ucodeSPL={tcb[7]}"),
            "Turin" => Invariant($"{Convert.ToHexStringLower(chipId.Span[..8])}?fmcSPL={tcb[0]}&blSPL={tcb[1]}&teeSPL={tcb[2]}&snpSPL={tcb[3]}&ucodeSPL={tcb[7]}"),
            _ => throw new ArgumentException("Processor family must be Milan, Genoa or Turin.", nameof(processorFamily)),
        };
        Uri uri = new(_options.AmdKdsBaseUri, $"vcek/v1/{processorFamily}/{query}");
        (byte[] der, _) = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        return der;
    }

    /// <summary>Fetches an AMD KDS CRL (<c>GET /{vcek|vlek}/v1/{family}/crl</c>, DER) into the cache.</summary>
    public async Task<byte[]> FetchAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken)
    {
        byte[] der = await DownloadAmdCrlAsync(processorFamily, keyKind, cancellationToken).ConfigureAwait(false);
        await _cache.PutAmdCrlAsync(processorFamily, keyKind, der, cancellationToken).ConfigureAwait(false);
        return der;
    }

    /// <summary>Downloads an AMD KDS CRL without storing it.</summary>
    internal async Task<byte[]> DownloadAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken)
    {
        if (processorFamily is not ("Milan" or "Genoa" or "Turin"))
        {
            throw new ArgumentException("Processor family must be Milan, Genoa or Turin.", nameof(processorFamily));
        }

        if (keyKind is not ("vcek" or "vlek"))
        {
            throw new ArgumentException("Key kind must be vcek or vlek.", nameof(keyKind));
        }

        (byte[] der, _) = await GetAsync(new Uri(_options.AmdKdsBaseUri, $"{keyKind}/v1/{processorFamily}/crl"), cancellationToken).ConfigureAwait(false);
        return der;
    }

    /// <summary>
    /// Fetches an MAA instance's JWKS: its OpenID configuration names <c>jwks_uri</c>, which must have the issuer's
    /// scheme, host and port (a configuration cannot send the fetcher elsewhere).
    /// </summary>
    public async Task<string> FetchJwksAsync(string issuer, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out Uri? issuerUri)
            || !(issuerUri.Scheme == Uri.UriSchemeHttps || (_options.AllowHttpIssuers && issuerUri.Scheme == Uri.UriSchemeHttp)))
        {
            throw new ArgumentException("The issuer must be an absolute https URL.", nameof(issuer));
        }

        Uri configurationUri = new(issuerUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/.well-known/openid-configuration");
        (byte[] configuration, _) = await GetAsync(configurationUri, cancellationToken).ConfigureAwait(false);
        Uri jwksUri = ReadJwksUri(configuration, configurationUri);
        if (Uri.Compare(jwksUri, issuerUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new HttpRequestException($"The jwks_uri of {issuerUri.Host} points to another origin.");
        }

        (byte[] jwks, _) = await GetAsync(jwksUri, cancellationToken).ConfigureAwait(false);
        string json = Encoding.UTF8.GetString(jwks);
        await _cache.PutJwksAsync(issuer, json, cancellationToken).ConfigureAwait(false);
        return json;
    }

    /// <inheritdoc />
    public async ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken) =>
        await _cache.GetTcbInfoAsync(tee, fmspc, cancellationToken).ConfigureAwait(false)
        ?? (PcsPath(tee) is not null ? await FetchTcbInfoAsync(tee, fmspc, cancellationToken).ConfigureAwait(false) : null);

    /// <inheritdoc />
    public async ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken) =>
        await _cache.GetQeIdentityAsync(tee, cancellationToken).ConfigureAwait(false)
        ?? (PcsPath(tee) is not null ? await FetchQeIdentityAsync(tee, cancellationToken).ConfigureAwait(false) : null);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? cached = await _cache.GetCrlAsync(name, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            return cached;
        }

        return new ReadOnlyMemory<byte>(await FetchCrlAsync(name, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? cached = await _cache.GetVcekAsync(processorFamily, chipId, reportedTcb, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            return cached;
        }

        return new ReadOnlyMemory<byte>(await FetchVcekAsync(processorFamily, chipId, reportedTcb, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? cached = await _cache.GetAmdCrlAsync(processorFamily, keyKind, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            return cached;
        }

        return new ReadOnlyMemory<byte>(await FetchAmdCrlAsync(processorFamily, keyKind, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken) =>
        await _cache.GetJwksAsync(issuer, cancellationToken).ConfigureAwait(false)
        ?? await FetchJwksAsync(issuer, cancellationToken).ConfigureAwait(false);

    // Intel PCS v4 serves SGX and TDX collateral under /sgx/ and /tdx/, the names of the cache's folders.
    private static string? PcsPath(TeeType tee) => DirectoryCollateralSource.IntelDirectory(tee);

    private async Task<SignedCollateral> FetchTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken)
    {
        if (fmspc is not { Length: 12 } || !fmspc.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("FMSPC must be 12 hex digits.", nameof(fmspc));
        }

        SignedCollateral collateral = await DownloadTcbInfoAsync(tee, fmspc, cancellationToken).ConfigureAwait(false);
        await _cache.PutTcbInfoAsync(tee, fmspc, collateral, cancellationToken).ConfigureAwait(false);
        return collateral;
    }

    /// <summary>Downloads a TCB info response and its issuer chain without storing them.</summary>
    internal async Task<SignedCollateral> DownloadTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken)
    {
        if (fmspc is not { Length: 12 } || !fmspc.All(char.IsAsciiHexDigit) || PcsPath(tee) is null)
        {
            throw new ArgumentException("FMSPC must be 12 hex digits of an SGX or TDX platform.", nameof(fmspc));
        }

        Uri uri = new(_options.IntelPcsBaseUri, $"{PcsPath(tee)}/certification/v4/tcb?fmspc={fmspc.ToUpperInvariant()}");
        (byte[] body, HttpResponseHeaders headers) = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        return new SignedCollateral(body, IssuerChain(headers, s_tcbInfoChainHeaders, uri));
    }

    private async Task<SignedCollateral> FetchQeIdentityAsync(TeeType tee, CancellationToken cancellationToken)
    {
        SignedCollateral collateral = await DownloadQeIdentityAsync(tee, cancellationToken).ConfigureAwait(false);
        await _cache.PutQeIdentityAsync(tee, collateral, cancellationToken).ConfigureAwait(false);
        return collateral;
    }

    /// <summary>Downloads a QE identity response and its issuer chain without storing them.</summary>
    internal async Task<SignedCollateral> DownloadQeIdentityAsync(TeeType tee, CancellationToken cancellationToken)
    {
        Uri uri = new(_options.IntelPcsBaseUri, $"{PcsPath(tee)}/certification/v4/qe/identity");
        (byte[] body, HttpResponseHeaders headers) = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        return new SignedCollateral(body, IssuerChain(headers, s_qeIdentityChainHeaders, uri));
    }

    private async Task FetchCollateralAsync(TeeType tee, string fmspc, string pckCa, CancellationToken cancellationToken)
    {
        await FetchTcbInfoAsync(tee, fmspc, cancellationToken).ConfigureAwait(false);
        await FetchQeIdentityAsync(tee, cancellationToken).ConfigureAwait(false);
        await FetchCrlAsync("root", cancellationToken).ConfigureAwait(false);
        await FetchCrlAsync(pckCa, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(byte[] Body, HttpResponseHeaders Headers)> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {uri.GetLeftPart(UriPartial.Path)} returned {(int)response.StatusCode}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new HttpRequestException($"GET {uri.GetLeftPart(UriPartial.Path)} returned more than {_options.MaxResponseBytes} bytes.");
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using MemoryStream buffer = new();
        byte[] chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new HttpRequestException($"GET {uri.GetLeftPart(UriPartial.Path)} returned more than {_options.MaxResponseBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), response.Headers);
    }

    private static string IssuerChain(HttpResponseHeaders headers, string[] names, Uri uri)
    {
        foreach (string name in names)
        {
            if (headers.TryGetValues(name, out IEnumerable<string>? values))
            {
                // PCS sends the PEM chain URL-encoded in one header value.
                return Uri.UnescapeDataString(string.Concat(values));
            }
        }

        throw new HttpRequestException($"GET {uri.GetLeftPart(UriPartial.Path)} returned no {names[0]} header.");
    }

    private static Uri ReadJwksUri(byte[] configuration, Uri from)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(configuration);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("jwks_uri", out JsonElement value)
                && value.ValueKind == JsonValueKind.String
                && Uri.TryCreate(value.GetString(), UriKind.Absolute, out Uri? jwksUri))
            {
                return jwksUri;
            }
        }
        catch (JsonException)
        {
        }

        throw new HttpRequestException($"{from.GetLeftPart(UriPartial.Path)} has no valid jwks_uri.");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
