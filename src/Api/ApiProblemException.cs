namespace Kms.Api;

/// <summary>
/// An error whose message is written for the client. Throw it from request handling; the error middleware turns it
/// into a problem-details response with the status of its <see cref="Kind"/>
/// (see <see cref="ApiErrorMapper"/>). The message must never contain a secret.
/// </summary>
public sealed class ApiProblemException : Exception
{
    /// <summary>Creates an error of the given kind with a client-safe message.</summary>
    /// <param name="kind">The kind of failure; decides the HTTP status.</param>
    /// <param name="detail">What went wrong, written for the client; never a secret.</param>
    /// <param name="reason">For <see cref="ApiErrorKind.DependencyUnavailable"/>: which dependency, e.g. <c>chain</c>.</param>
    /// <param name="innerException">The cause, logged server-side only.</param>
    public ApiProblemException(ApiErrorKind kind, string detail, string? reason = null, Exception? innerException = null)
        : base(detail, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(detail);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown API error kind.");
        }

        Kind = kind;
        Reason = reason;
    }

    /// <summary>The kind of failure.</summary>
    public ApiErrorKind Kind { get; }

    /// <summary>Which dependency is unavailable (503 only); otherwise usually <see langword="null"/>.</summary>
    public string? Reason { get; }

    /// <summary>400: the request is malformed.</summary>
    public static ApiProblemException MalformedInput(string detail, Exception? innerException = null) =>
        new(ApiErrorKind.MalformedInput, detail, null, innerException);

    /// <summary>401: the caller is not authenticated.</summary>
    public static ApiProblemException Unauthenticated(string detail) => new(ApiErrorKind.Unauthenticated, detail);

    /// <summary>403: policy does not allow the operation.</summary>
    public static ApiProblemException PolicyDenied(string detail) => new(ApiErrorKind.PolicyDenied, detail);

    /// <summary>404: the resource does not exist.</summary>
    public static ApiProblemException NotFound(string detail) => new(ApiErrorKind.NotFound, detail);

    /// <summary>409: the request conflicts with the current state.</summary>
    public static ApiProblemException Conflict(string detail) => new(ApiErrorKind.Conflict, detail);

    /// <summary>413: the request body is larger than the endpoint accepts.</summary>
    public static ApiProblemException ContentTooLarge(string detail) => new(ApiErrorKind.ContentTooLarge, detail);

    /// <summary>503: a dependency is unavailable.</summary>
    public static ApiProblemException DependencyUnavailable(string reason, string detail, Exception? innerException = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(ApiErrorKind.DependencyUnavailable, detail, reason, innerException);
    }
}
