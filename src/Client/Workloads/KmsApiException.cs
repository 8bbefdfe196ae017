namespace Kms.Client.Workloads;

/// <summary>
/// A KMS silo answered with an error (an RFC 9457 problem): 4xx when the request was refused (bad input, bad evidence,
/// policy says no), 5xx when the silo could not serve it. <see cref="Detail"/> is the silo's explanation; it never
/// carries a secret.
/// </summary>
public sealed class KmsApiException : Exception
{
    /// <summary>Creates the exception for one answer.</summary>
    public KmsApiException(int status, string? title, string? detail, string? problemType, string? reason, Uri? requestUri)
        : base($"The KMS answered {status}{(title is null ? string.Empty : " " + title)}: {detail ?? "(no detail)"}"
            + (requestUri is null ? string.Empty : $" ({requestUri.GetLeftPart(UriPartial.Path)})"))
    {
        Status = status;
        Title = title;
        Detail = detail;
        ProblemType = problemType;
        Reason = reason;
        RequestUri = requestUri;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The problem's title (the same for every occurrence of its type), when the body was a problem.</summary>
    public string? Title { get; }

    /// <summary>What went wrong in this occurrence.</summary>
    public string? Detail { get; }

    /// <summary>The problem type URI (<c>urn:kms:problem:…</c>).</summary>
    public string? ProblemType { get; }

    /// <summary>For 503: which dependency is unavailable.</summary>
    public string? Reason { get; }

    /// <summary>The request that failed.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Whether the request was refused (4xx): retrying it unchanged cannot succeed.</summary>
    public bool IsRefusal => Status is >= 400 and < 500;
}

/// <summary>No configured silo could serve the request: each was unreachable, timed out or answered 502/503/504.</summary>
public sealed class KmsUnavailableException : AggregateException
{
    /// <summary>Creates the exception with the failure of every attempt, in order.</summary>
    public KmsUnavailableException(string message, IEnumerable<Exception> attempts)
        : base(message, attempts)
    {
    }
}
