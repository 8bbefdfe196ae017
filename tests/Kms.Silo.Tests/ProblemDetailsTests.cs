using System.Net;
using System.Text;
using System.Text.Json;
using Kms.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kms.Silo.Tests;

/// <summary>Error responses of the silo's HTTP front end, over real HTTP.</summary>
public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private const string SecretMarker = "s3cr3t-key-material-0xDEADBEEF";

    private InProcessSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await InProcessSilo.StartAsync(map: app =>
        {
            app.MapPost("/test/echo", (EchoRequest request) => TypedResults.Ok(request));
            app.MapGet("/test/throw", IResult () => throw new InvalidOperationException("boom with " + SecretMarker));
            app.MapGet("/test/problem/{kind}", IResult (ApiErrorKind kind) =>
                throw new ApiProblemException(kind, "detail for " + kind,
                    kind == ApiErrorKind.DependencyUnavailable ? "chain" : null));
        });
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        using HttpResponseMessage response = await _silo.Client.GetAsync("/no/such/route");

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("urn:kms:problem:not-found", problem.GetProperty("type").GetString());
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        using HttpResponseMessage response = await _silo.Client.DeleteAsync("/livez");

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json at all")]
    [InlineData("{\"name\":\"a\",}")]
    [InlineData("{\"count\":\"seven\"}")]
    [InlineData("[1,2,3]")]
    public async Task MalformedJsonBody_Is400Problem_ThatSaysWhatIsWrong(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _silo.Client.PostAsync("/test/echo", content);

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("urn:kms:problem:malformed-input", problem.GetProperty("type").GetString());
        Assert.StartsWith("The request body is not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongFieldType_NamesThePath()
    {
        using var content = new StringContent("{\"name\":\"a\",\"count\":\"seven\"}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _silo.Client.PostAsync("/test/echo", content);

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("$.count", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonJsonContentType_IsClientErrorProblem()
    {
        using var content = new StringContent("{\"name\":\"a\"}", Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await _silo.Client.PostAsync("/test/echo", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task WellFormedJsonBody_StillWorks()
    {
        using var content = new StringContent("{\"name\":\"a\",\"count\":7}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _silo.Client.PostAsync("/test/echo", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"name\":\"a\",\"count\":7}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnhandledException_Is500Problem_WithTraceIdAndNothingLeaked_AndIsLoggedServerSide()
    {
        using HttpResponseMessage response = await _silo.Client.GetAsync("/test/throw");

        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(SecretMarker, body, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal); // no stack frames
        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal(ApiErrorMapper.InternalErrorDetail, problem.GetProperty("detail").GetString());
        string traceId = problem.GetProperty("traceId").GetString()!;

        CapturingLoggerProvider.LogEntry logged = Assert.Single(_silo.Logs.Entries, e => e.EventId.Id == 1000);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Contains(traceId, logged.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiErrorKind.MalformedInput, 400)]
    [InlineData(ApiErrorKind.Unauthenticated, 401)]
    [InlineData(ApiErrorKind.PolicyDenied, 403)]
    [InlineData(ApiErrorKind.NotFound, 404)]
    [InlineData(ApiErrorKind.Conflict, 409)]
    [InlineData(ApiErrorKind.DependencyUnavailable, 503)]
    public async Task ApiProblemException_MapsToItsStatus_WithItsDetail(ApiErrorKind kind, int status)
    {
        using HttpResponseMessage response = await _silo.Client.GetAsync($"/test/problem/{kind}");

        JsonElement problem = await AssertProblemAsync(response, (HttpStatusCode)status);
        Assert.Equal("detail for " + kind, problem.GetProperty("detail").GetString());
        if (kind == ApiErrorKind.DependencyUnavailable)
        {
            Assert.Equal("chain", problem.GetProperty("reason").GetString());
        }
        else
        {
            Assert.False(problem.TryGetProperty("reason", out _));
        }
    }

    [Fact]
    public async Task RandomAndMutatedBodies_NeverCauseServerErrors()
    {
        var random = new Random(20261121);
        byte[] valid = Encoding.UTF8.GetBytes("{\"name\":\"abc\",\"count\":42}");
        for (int i = 0; i < 150; i++)
        {
            byte[] body = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 64)),
                1 => Mutate(random, valid),
                _ => valid[..random.Next(0, valid.Length)],
            };
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await _silo.Client.PostAsync("/test/echo", content);

            int code = (int)response.StatusCode;
            Assert.True(code is 200 or 400, $"iteration {i}: status {code} for body {Convert.ToHexString(body)}");
            if (code == 400)
            {
                Assert.Equal(ProblemResponseWriter.ProblemJsonContentType, response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] copy = (byte[])valid.Clone();
        int flips = random.Next(1, 4);
        for (int f = 0; f < flips; f++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(ProblemResponseWriter.ProblemJsonContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = document.RootElement.Clone();
        Assert.Equal((int)expected, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("traceId").GetString()));
        return root;
    }

    public sealed record EchoRequest(string Name, int Count);
}
