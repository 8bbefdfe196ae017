namespace Kms.Governance.Service;

/// <summary>
/// Governance cannot answer (chain unreachable or too stale, policy store down, stored policy invalid).
/// Callers fail closed: nothing is released, and the HTTP API maps this to 503 with <see cref="Exception.Message"/>.
/// </summary>
public sealed class GovernanceUnavailableException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> must not contain secrets.</summary>
    public GovernanceUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
