namespace Kms.Api;

/// <summary>A failure as the client will see it: status, problem type and client-safe detail.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Type">The problem type URI.</param>
/// <param name="Title">Short summary of the problem type.</param>
/// <param name="Detail">Client-safe description of this occurrence.</param>
/// <param name="Reason">Which dependency is unavailable (503), else <see langword="null"/>.</param>
public sealed record ApiError(int Status, string Type, string Title, string Detail, string? Reason = null)
{
    /// <summary><see langword="true"/> for 5xx: the server, not the request, is at fault, so it is logged as an error.</summary>
    public bool IsServerFault => Status >= 500;

    /// <summary>The RFC 9457 document for this error.</summary>
    public ProblemDocument ToProblemDocument(string? traceId) => new(Type, Title, Status, Detail, traceId, Reason);
}
