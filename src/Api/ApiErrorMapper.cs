using Kms.Grains;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kms.Api;

/// <summary>
/// The one place that decides how failures look to clients: 400 malformed input, 401 unauthenticated, 403 policy
/// denied, 404 not found, 409 conflict, 413 content too large, 503 dependency unavailable (with a reason), and 500
/// with a generic detail for everything unexpected. Only messages written for clients (<see cref="ApiProblemException"/>, framework request
/// errors) reach the response; any other exception's message stays in the server log.
/// </summary>
public static class ApiErrorMapper
{
    /// <summary>The detail of every 500 response; deliberately says nothing about the cause.</summary>
    public const string InternalErrorDetail =
        "An unexpected error occurred. Quote the trace id when reporting this problem.";

    private const string TypePrefix = "urn:kms:problem:";
    private const int MaxJsonPathLength = 128;

    private static readonly ApiError s_internalError = new(
        StatusCodes.Status500InternalServerError, TypePrefix + "internal-error", "Internal server error",
        InternalErrorDetail);

    /// <summary>Maps an exception thrown while handling a request to the error the client sees.</summary>
    public static ApiError Map(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ApiProblemException problem => FromKind(problem.Kind, problem.Message, problem.Reason),
            KmsException kms => FromKms(kms),

            // The grain runtime itself: a silo or the store did not answer in time, or a concurrent write won.
            TimeoutException => FromKind(ApiErrorKind.DependencyUnavailable, "The cluster did not answer in time; nothing was released.", "timeout"),
            Orleans.Storage.InconsistentStateException => FromKind(ApiErrorKind.Conflict, "A concurrent change won; retry the request."),
            Orleans.Runtime.OrleansException => FromKind(ApiErrorKind.DependencyUnavailable, "The cluster cannot serve the request now; nothing was released.", "cluster"),
            BadHttpRequestException { InnerException: JsonException json } => MalformedJson(json),
            BadHttpRequestException badRequest => FromBadRequest(badRequest),

            // Request bodies reach us as BadHttpRequestException (above); a bare JsonException comes from our own
            // reading of state, RPC answers or stored documents: a server fault, not the client's malformed input.
            _ => s_internalError,
        };
    }

    private static ApiError FromKms(KmsException exception) => exception.Kind switch
    {
        KmsErrorKind.MalformedInput => FromKind(ApiErrorKind.MalformedInput, exception.Message),
        KmsErrorKind.Unauthenticated => FromKind(ApiErrorKind.Unauthenticated, exception.Message),
        KmsErrorKind.PolicyDenied => FromKind(ApiErrorKind.PolicyDenied, exception.Message),
        KmsErrorKind.NotFound => FromKind(ApiErrorKind.NotFound, exception.Message),
        KmsErrorKind.Conflict => FromKind(ApiErrorKind.Conflict, exception.Message),
        _ => FromKind(ApiErrorKind.DependencyUnavailable, exception.Message, "kms"),
    };

    /// <summary>The error for a kind of failure, with a client-safe detail.</summary>
    public static ApiError FromKind(ApiErrorKind kind, string detail, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(detail);
        return kind switch
        {
            ApiErrorKind.MalformedInput => new(400, TypePrefix + "malformed-input", "Malformed request", detail),
            ApiErrorKind.Unauthenticated => new(401, TypePrefix + "unauthenticated", "Unauthenticated", detail),
            ApiErrorKind.PolicyDenied => new(403, TypePrefix + "policy-denied", "Denied by policy", detail),
            ApiErrorKind.NotFound => new(404, TypePrefix + "not-found", "Not found", detail),
            ApiErrorKind.Conflict => new(409, TypePrefix + "conflict", "Conflict", detail),
            ApiErrorKind.ContentTooLarge => new(413, TypePrefix + "content-too-large", "Content too large", detail),
            ApiErrorKind.DependencyUnavailable =>
                new(503, TypePrefix + "dependency-unavailable", "Dependency unavailable", detail, reason ?? "unknown"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown API error kind."),
        };
    }

    /// <summary>
    /// The error for a response that ended with an error status but no body (no route matched, method not allowed,
    /// unsupported media type...).
    /// </summary>
    public static ApiError ForStatus(int statusCode)
    {
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "Not an error status code.");
        }

        return statusCode switch
        {
            400 => FromKind(ApiErrorKind.MalformedInput, "The request is malformed."),
            401 => FromKind(ApiErrorKind.Unauthenticated, "Authentication is required."),
            403 => FromKind(ApiErrorKind.PolicyDenied, "The operation is not allowed."),
            404 => FromKind(ApiErrorKind.NotFound, "No resource exists at this path."),
            405 => new(405, TypePrefix + "method-not-allowed", "Method not allowed",
                "The resource does not support this HTTP method."),
            409 => FromKind(ApiErrorKind.Conflict, "The request conflicts with the current state."),
            500 => s_internalError,
            503 => FromKind(ApiErrorKind.DependencyUnavailable, "The service is unavailable.", "unavailable"),
            _ => Generic(statusCode, null),
        };
    }

    private static ApiError FromBadRequest(BadHttpRequestException exception) =>
        exception.StatusCode == StatusCodes.Status400BadRequest
            ? FromKind(ApiErrorKind.MalformedInput, exception.Message)
            : Generic(exception.StatusCode, exception.Message); // 413, 415, 408...: framework text, no secrets

    private static ApiError MalformedJson(JsonException exception)
    {
        string where = exception.Path is { Length: > 0 } path
            ? $" at '{(path.Length <= MaxJsonPathLength ? path : string.Concat(path.AsSpan(0, MaxJsonPathLength), "..."))}'"
            : string.Empty;
        string position = exception.LineNumber is long line && exception.BytePositionInLine is long column
            ? $" (line {line + 1}, byte {column + 1})"
            : string.Empty;
        return FromKind(
            ApiErrorKind.MalformedInput,
            $"The request body is not valid JSON for this endpoint{where}{position}.");
    }

    private static ApiError Generic(int statusCode, string? detail)
    {
        string phrase = ReasonPhrases.GetReasonPhrase(statusCode);
        if (phrase.Length == 0)
        {
            phrase = statusCode >= 500 ? "Server error" : "Client error";
        }

        return new ApiError(statusCode, "about:blank", phrase, detail ?? phrase + ".");
    }
}
