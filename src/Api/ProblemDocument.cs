namespace Kms.Api;

/// <summary>An RFC 9457 problem-details document, as sent with <c>application/problem+json</c>.</summary>
/// <param name="Type">URI that identifies the problem type (<c>urn:kms:problem:...</c>).</param>
/// <param name="Title">Short summary of the problem type; the same for every occurrence.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong in this occurrence, for the client; never a stack trace or a secret.</param>
/// <param name="TraceId">Correlates the response with the server log (extension member).</param>
/// <param name="Reason">Which dependency is unavailable, for 503 responses (extension member).</param>
public sealed record ProblemDocument(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? TraceId = null,
    string? Reason = null);
