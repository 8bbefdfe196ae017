using System.Text.Json;
using Kms.Api;
using Microsoft.AspNetCore.Http;

namespace Kms.Silo.Tests;

public sealed class ApiErrorMapperTests
{
    [Theory]
    [InlineData(ApiErrorKind.MalformedInput, 400, "urn:kms:problem:malformed-input")]
    [InlineData(ApiErrorKind.Unauthenticated, 401, "urn:kms:problem:unauthenticated")]
    [InlineData(ApiErrorKind.PolicyDenied, 403, "urn:kms:problem:policy-denied")]
    [InlineData(ApiErrorKind.NotFound, 404, "urn:kms:problem:not-found")]
    [InlineData(ApiErrorKind.Conflict, 409, "urn:kms:problem:conflict")]
    [InlineData(ApiErrorKind.ContentTooLarge, 413, "urn:kms:problem:content-too-large")]
    [InlineData(ApiErrorKind.DependencyUnavailable, 503, "urn:kms:problem:dependency-unavailable")]
    public void Kinds_MapToStatusAndType(ApiErrorKind kind, int status, string type)
    {
        ApiError error = ApiErrorMapper.Map(new ApiProblemException(kind, "what happened", kind == ApiErrorKind.DependencyUnavailable ? "database" : null));

        Assert.Equal(status, error.Status);
        Assert.Equal(type, error.Type);
        Assert.Equal("what happened", error.Detail);
    }

    [Fact]
    public void DependencyUnavailable_CarriesItsReason()
    {
        ApiError error = ApiErrorMapper.Map(ApiProblemException.DependencyUnavailable("chain", "The chain cannot be read."));

        Assert.Equal(503, error.Status);
        Assert.Equal("chain", error.Reason);
        Assert.Equal("chain", error.ToProblemDocument("t").Reason);
    }

    [Fact]
    public void UnknownExceptions_Are500_WithTheGenericDetailOnly()
    {
        ApiError error = ApiErrorMapper.Map(new KeyNotFoundException("key 0xabcdef not in vault"));

        Assert.Equal(500, error.Status);
        Assert.Equal(ApiErrorMapper.InternalErrorDetail, error.Detail);
        Assert.True(error.IsServerFault);
        Assert.DoesNotContain("0xabcdef", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedRequestBody_Is400_NamingPathAndPosition()
    {
        var json = new JsonException("raw message", "$.a.b", 2, 14);

        ApiError error = ApiErrorMapper.Map(new BadHttpRequestException("Failed to read parameter", json));

        Assert.Equal(400, error.Status);
        Assert.Equal("The request body is not valid JSON for this endpoint at '$.a.b' (line 3, byte 15).", error.Detail);
        Assert.DoesNotContain("raw message", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedRequestBody_WithHugePath_IsTruncated()
    {
        ApiError error = ApiErrorMapper.Map(new BadHttpRequestException("m", new JsonException("m", "$." + new string('x', 10_000), 0, 0)));

        Assert.Equal(400, error.Status);
        Assert.True(error.Detail.Length < 300);
    }

    [Fact]
    public void BareJsonException_IsAServerFault_NotTheClientsMalformedInput()
    {
        // Thrown by our own deserialization (state, RPC answers), never by request binding: 500, generic detail.
        ApiError error = ApiErrorMapper.Map(new JsonException("stored state field 'sealedShare' is invalid", "$.sealedShare", 0, 3));

        Assert.Equal(500, error.Status);
        Assert.True(error.IsServerFault);
        Assert.Equal(ApiErrorMapper.InternalErrorDetail, error.Detail);
        Assert.DoesNotContain("sealedShare", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BadHttpRequest_KeepsItsStatus()
    {
        Assert.Equal(400, ApiErrorMapper.Map(new BadHttpRequestException("Required parameter missing.")).Status);
        ApiError tooLarge = ApiErrorMapper.Map(new BadHttpRequestException("Request body too large.", 413));
        Assert.Equal(413, tooLarge.Status);
        Assert.Equal("about:blank", tooLarge.Type);
        Assert.Equal("Payload Too Large", tooLarge.Title);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(405)]
    [InlineData(409)]
    [InlineData(415)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(599)]
    public void ForStatus_KeepsTheStatus(int status)
    {
        ApiError error = ApiErrorMapper.ForStatus(status);

        Assert.Equal(status, error.Status);
        Assert.False(string.IsNullOrEmpty(error.Title));
        Assert.False(string.IsNullOrEmpty(error.Detail));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(399)]
    [InlineData(600)]
    public void ForStatus_RejectsNonErrorStatus(int status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiErrorMapper.ForStatus(status));
    }

    [Fact]
    public void ApiProblemException_RejectsUndefinedKindAndEmptyDetail()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiProblemException((ApiErrorKind)42, "x"));
        Assert.Throws<ArgumentException>(() => new ApiProblemException(ApiErrorKind.Conflict, " "));
        Assert.Throws<ArgumentException>(() => ApiProblemException.DependencyUnavailable("", "x"));
    }

    [Fact]
    public void ProblemDocument_SerializesWithCamelCaseAndWithoutNulls()
    {
        string json = JsonSerializer.Serialize(
            ApiErrorMapper.ForStatus(404).ToProblemDocument("trace-1"), KmsApiJsonContext.Default.ProblemDocument);

        Assert.Equal(
            """{"type":"urn:kms:problem:not-found","title":"Not found","status":404,"detail":"No resource exists at this path.","traceId":"trace-1"}""",
            json);
    }
}
