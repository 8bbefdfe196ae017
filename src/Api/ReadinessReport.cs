namespace Kms.Api;

/// <summary>Whether this silo can serve requests now, and if not, why (for operators; never a secret).</summary>
/// <param name="IsReady"><see langword="true"/> when the silo serves requests.</param>
/// <param name="Reason">Why the silo is not ready; <see langword="null"/> when it is.</param>
public sealed record ReadinessReport(bool IsReady, string? Reason)
{
    /// <summary>The silo serves requests.</summary>
    public static ReadinessReport Ready { get; } = new(true, null);

    /// <summary>The silo does not serve requests, for the given reason.</summary>
    public static ReadinessReport NotReady(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ReadinessReport(false, reason);
    }
}
