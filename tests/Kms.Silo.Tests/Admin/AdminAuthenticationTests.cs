using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Api;
using Kms.Api.Admin;
using Kms.Client.Admin;
using Kms.Crypto.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kms.Silo.Tests.Admin;

/// <summary>Signed admin requests over real HTTP against endpoints behind <c>RequireKmsAdmin()</c>.</summary>
public sealed class AdminAuthenticationTests : IAsyncLifetime, IDisposable
{
    private const string AdminId = "ops-1";
    private const int MaxBodyBytes = 4096;
    private const int NonceCapacity = 50;

    private readonly ECDsa _adminKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly InMemoryAdminKeyStore _keys = new();
    private readonly ManualTimeProvider _serverClock = new(DateTimeOffset.UtcNow);
    private int _endpointCalls;
    private TestApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _keys.Add(AdminId, _adminKey);
        _host = await TestApiHost.StartAsync(
            services =>
            {
                services.AddSingleton<IReadinessProbe>(new ReadyProbe());
                services.AddSingleton<IAdminKeyStore>(_keys);
                services.AddSingleton<TimeProvider>(_serverClock);
                services.AddKmsAdminAuthentication(options =>
                {
                    options.MaxBodyBytes = MaxBodyBytes;
                    options.NonceStoreCapacity = NonceCapacity;
                });
            },
            app =>
            {
                app.MapMethods("/test/admin/echo", [HttpMethods.Post, HttpMethods.Put], (HttpContext context, EchoBody body) =>
                {
                    Interlocked.Increment(ref _endpointCalls);
                    return TypedResults.Ok(new EchoReply(context.GetKmsAdminKeyId(), body.Name, body.Count, context.Request.Method));
                }).RequireKmsAdmin();
                app.MapGet("/test/admin/whoami/{name}", (HttpContext context, string name, string? q) =>
                {
                    Interlocked.Increment(ref _endpointCalls);
                    return TypedResults.Ok(new EchoReply(context.GetKmsAdminKeyId(), name + "|" + q, 0, context.Request.Method));
                }).RequireKmsAdmin();

                // A group and one of its endpoints both require it: the request is still checked (and its nonce spent) once.
                RouteGroupBuilder group = app.MapGroup("/test/admin-group").RequireKmsAdmin();
                group.MapGet("/twice", IResult (HttpContext context) => TypedResults.Ok(context.GetKmsAdminKeyId())).RequireKmsAdmin();
                app.MapGet("/test/open", IResult (HttpContext context) => TypedResults.Ok(context.GetKmsAdminKeyId() ?? "anonymous"));
            });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose()
    {
        _adminKey.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task SignedRequest_Is200_AndTheEndpointSeesTheAdminAndTheBody()
    {
        using HttpClient client = SignedClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("payments", 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        EchoReply? reply = await response.Content.ReadFromJsonAsync<EchoReply>();
        Assert.Equal(new EchoReply(AdminId, "payments", 3, "POST"), reply);
        Assert.Contains(_host.Logs.Entries, e => e.EventId.Id == 1100 && e.Message.Contains(AdminId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignedGet_WithEscapedPathAndQuery_Is200()
    {
        using HttpClient client = SignedClient();

        using HttpResponseMessage response = await client.GetAsync("/test/admin/whoami/a%20b?q=x%2Fy&z=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        EchoReply? reply = await response.Content.ReadFromJsonAsync<EchoReply>();
        Assert.Equal(new EchoReply(AdminId, "a b|x/y", 0, "GET"), reply);
    }

    [Fact]
    public async Task GroupAndEndpointBothRequiringAdmin_CheckOnce()
    {
        using HttpClient client = SignedClient();

        using HttpResponseMessage response = await client.GetAsync("/test/admin-group/twice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{AdminId}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnsignedRequest_Is401_WithTheSchemeAndWhatIsMissing()
    {
        using HttpResponseMessage response = await _host.Client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "The Kms-Admin-Key header is missing.");
        using HttpResponseMessage open = await _host.Client.GetAsync("/test/open");
        Assert.Equal("\"anonymous\"", await open.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(AdminRequestSignature.KeyIdHeader)]
    [InlineData(AdminRequestSignature.TimestampHeader)]
    [InlineData(AdminRequestSignature.NonceHeader)]
    [InlineData(AdminRequestSignature.SignatureHeader)]
    public async Task MissingHeader_Is401_NamingIt(string header)
    {
        using HttpClient client = SignedClient(tamper: request => request.Headers.Remove(header));

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, $"The {header} header is missing.");
    }

    [Fact]
    public async Task MalformedOrDuplicatedHeader_Is401_WithoutEchoingIt()
    {
        const string hostile = "<script>AAAAAAAAAAAAAAAAAAAAAAAAA";
        using HttpClient malformed = SignedClient(tamper: request =>
        {
            request.Headers.Remove(AdminRequestSignature.NonceHeader);
            request.Headers.TryAddWithoutValidation(AdminRequestSignature.NonceHeader, hostile);
        });
        using HttpResponseMessage response = await malformed.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));
        string detail = await AssertUnauthenticatedAsync(response, "The Kms-Nonce header is not unpadded base64url of 16 to 64 bytes.");
        Assert.DoesNotContain("script", detail, StringComparison.Ordinal);

        // HttpClient joins repeated values into one line: "a, b" is not base64url.
        using HttpClient joined = SignedClient(tamper: request =>
            request.Headers.TryAddWithoutValidation(AdminRequestSignature.SignatureHeader, new string('A', 86)));
        using HttpResponseMessage joinedResponse = await joined.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));
        await AssertUnauthenticatedAsync(joinedResponse,
            "The Kms-Signature header is not unpadded base64url of a 64-byte P-256 signature (r||s).");
    }

    [Fact]
    public async Task HeaderOnTwoLines_Is401()
    {
        AdminRequestHeaders signed = AdminRequestSignature.Sign(
            _adminKey, AdminId, "GET", "/test/admin/whoami/a", [], _serverClock.GetUtcNow());
        Uri baseAddress = _host.Client.BaseAddress!;
        string request =
            $"GET /test/admin/whoami/a HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nConnection: close\r\n" +
            $"{AdminRequestSignature.KeyIdHeader}: {signed.KeyId}\r\n{AdminRequestSignature.TimestampHeader}: {signed.Timestamp}\r\n" +
            $"{AdminRequestSignature.NonceHeader}: {signed.Nonce}\r\n{AdminRequestSignature.NonceHeader}: {signed.Nonce}\r\n" +
            $"{AdminRequestSignature.SignatureHeader}: {signed.Signature}\r\n\r\n";

        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 401 ", response, StringComparison.Ordinal);
        Assert.Contains("The Kms-Nonce header appears more than once.", response, StringComparison.Ordinal);
        Assert.Equal(0, _endpointCalls);
    }

    [Fact]
    public async Task UnknownAdminKey_Is401()
    {
        using HttpClient client = SignedClient(keyId: "nobody");

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "No admin key is registered under this key id.");
    }

    [Fact]
    public async Task SignatureByAnotherKey_Is401()
    {
        using HttpClient client = SignedClient(key: _otherKey);

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "The signature does not verify over this request with the admin key.");
    }

    [Fact]
    public async Task BodyChangedAfterSigning_Is401()
    {
        using HttpClient client = SignedClient(tamper: request =>
            request.Content = new StringContent("{\"name\":\"evil\",\"count\":1}", Encoding.UTF8, "application/json"));

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "The signature does not verify over this request with the admin key.");
    }

    [Fact]
    public async Task PathOrQueryChangedAfterSigning_Is401()
    {
        using HttpClient path = SignedClient(tamper: request =>
            request.RequestUri = new Uri(request.RequestUri!, "/test/admin/whoami/b"));
        using HttpResponseMessage pathResponse = await path.GetAsync("/test/admin/whoami/a");
        await AssertUnauthenticatedAsync(pathResponse, "The signature does not verify over this request with the admin key.");

        using HttpClient query = SignedClient(tamper: request =>
            request.RequestUri = new Uri(request.RequestUri!, "/test/admin/whoami/a?q=2"));
        using HttpResponseMessage queryResponse = await query.GetAsync("/test/admin/whoami/a?q=1");
        await AssertUnauthenticatedAsync(queryResponse, "The signature does not verify over this request with the admin key.");
    }

    [Fact]
    public async Task MethodChangedAfterSigning_Is401()
    {
        using HttpClient client = SignedClient(tamper: request => request.Method = HttpMethod.Put);

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "The signature does not verify over this request with the admin key.");
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task TimestampOutsideTheSkew_Is401(int offsetSeconds)
    {
        using HttpClient client = SignedClient(clock: new ManualTimeProvider(_serverClock.Now.AddSeconds(offsetSeconds)));

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        await AssertUnauthenticatedAsync(response, "The Kms-Timestamp header is more than 300 seconds away from the server's clock.");
    }

    [Theory]
    [InlineData(-299)]
    [InlineData(299)]
    public async Task TimestampWithinTheSkew_Is200(int offsetSeconds)
    {
        using HttpClient client = SignedClient(clock: new ManualTimeProvider(_serverClock.Now.AddSeconds(offsetSeconds)));

        using HttpResponseMessage response = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReplayedRequest_Is401_AndDoesNotReachTheEndpointAgain()
    {
        HttpRequestMessage? captured = null;
        using HttpClient client = SignedClient(tamper: request =>
        {
            captured = request;
            return Task.CompletedTask;
        });
        using HttpResponseMessage first = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, _endpointCalls);

        using var replay = new HttpRequestMessage(HttpMethod.Post, captured!.RequestUri)
        {
            Content = new ByteArrayContent(await captured.Content!.ReadAsByteArrayAsync()),
        };
        replay.Content.Headers.ContentType = captured.Content.Headers.ContentType;
        foreach (string header in new[]
        {
            AdminRequestSignature.KeyIdHeader, AdminRequestSignature.TimestampHeader,
            AdminRequestSignature.NonceHeader, AdminRequestSignature.SignatureHeader,
        })
        {
            replay.Headers.TryAddWithoutValidation(header, captured.Headers.GetValues(header));
        }

        using HttpResponseMessage second = await _host.Client.SendAsync(replay);

        await AssertUnauthenticatedAsync(
            second, "This request was already received: its Kms-Nonce was used before.", expectedEndpointCalls: 1);
    }

    [Fact]
    public async Task OversizeBody_Is413_WithOrWithoutContentLength()
    {
        using HttpClient client = SignedClient();
        string name = new('a', MaxBodyBytes);

        using HttpResponseMessage declared = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody(name, 1));
        JsonElement problem = await ReadProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("urn:kms:problem:content-too-large", problem.GetProperty("type").GetString());
        Assert.Equal($"An admin request body may be at most {MaxBodyBytes} bytes.", problem.GetProperty("detail").GetString());

        // Chunked: no Content-Length, so the limit is enforced while reading.
        using HttpClient chunked = SignedClient(tamper: request =>
        {
            request.Headers.TransferEncodingChunked = true;
            request.Content!.Headers.ContentLength = null;
        });
        using HttpResponseMessage streamed = await chunked.PostAsJsonAsync("/test/admin/echo", new EchoBody(name, 1));
        await ReadProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, _endpointCalls);
    }

    [Fact]
    public async Task BodyAtTheLimit_IsAccepted()
    {
        using HttpClient client = SignedClient();
        int overhead = JsonSerializer.SerializeToUtf8Bytes(new EchoBody(string.Empty, 1), s_web).Length;

        using HttpResponseMessage response = await client.PostAsJsonAsync(
            "/test/admin/echo", new EchoBody(new string('a', MaxBodyBytes - overhead), 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FullNonceStore_Is503_UntilNoncesExpire()
    {
        using HttpClient client = SignedClient(clock: _serverClock);
        for (int i = 0; i < NonceCapacity; i++)
        {
            using HttpResponseMessage accepted = await client.GetAsync("/test/admin/whoami/a");
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        using HttpResponseMessage full = await client.GetAsync("/test/admin/whoami/a");
        JsonElement problem = await ReadProblemAsync(full, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(InMemoryAdminNonceStore.FullReason, problem.GetProperty("reason").GetString());
        Assert.Equal(NonceCapacity, _endpointCalls);

        // Unauthenticated requests never take room in the store.
        using HttpClient wrongKey = SignedClient(key: _otherKey, clock: _serverClock);
        using HttpResponseMessage rejected = await wrongKey.GetAsync("/test/admin/whoami/a");
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);

        _serverClock.Now = _serverClock.Now.AddMinutes(5).AddSeconds(1);
        using HttpResponseMessage afterExpiry = await client.GetAsync("/test/admin/whoami/a");
        Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverContainSignaturesOrNonces()
    {
        string? signature = null;
        using HttpClient client = SignedClient(tamper: request =>
        {
            signature = request.Headers.GetValues(AdminRequestSignature.SignatureHeader).Single();
            return Task.CompletedTask;
        });
        using HttpResponseMessage ok = await client.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));
        using HttpClient wrong = SignedClient(key: _otherKey);
        using HttpResponseMessage rejected = await wrong.PostAsJsonAsync("/test/admin/echo", new EchoBody("x", 1));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Contains(_host.Logs.Entries, e => e.EventId.Id == 1101);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(signature!, StringComparison.Ordinal));
    }

    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    private HttpClient SignedClient(
        string keyId = AdminId, ECDsa? key = null, TimeProvider? clock = null, Action<HttpRequestMessage>? tamper = null) =>
        SignedClient(keyId, key, clock, request =>
        {
            tamper?.Invoke(request);
            return Task.CompletedTask;
        });

    private HttpClient SignedClient(string keyId, ECDsa? key, TimeProvider? clock, Func<HttpRequestMessage, Task> tamper) =>
        new(new AdminRequestSigningHandler(keyId, key ?? _adminKey, clock ?? _serverClock) { InnerHandler = new TamperingHandler(tamper) })
        {
            BaseAddress = _host.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };

    private HttpClient SignedClient(Func<HttpRequestMessage, Task> tamper) => SignedClient(AdminId, null, null, tamper);

    private async Task<string> AssertUnauthenticatedAsync(
        HttpResponseMessage response, string expectedDetail, int expectedEndpointCalls = 0)
    {
        JsonElement problem = await ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("KMS-Admin-Signature", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("urn:kms:problem:unauthenticated", problem.GetProperty("type").GetString());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Equal(expectedDetail, detail);
        Assert.Equal(expectedEndpointCalls, _endpointCalls);
        return detail;
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ProblemResponseWriter.ProblemJsonContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public sealed record EchoBody(string Name, int Count);

    public sealed record EchoReply(string? Admin, string Name, int Count, string Method);
}
