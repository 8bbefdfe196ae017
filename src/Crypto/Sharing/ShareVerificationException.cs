using System.Security.Cryptography;

namespace Kms.Crypto.Sharing;

/// <summary>
/// Shares or sub-shares failed verification against their Feldman commitments.
/// <see cref="RejectedIndices"/> names the share holders or dealers whose values were wrong.
/// </summary>
public sealed class ShareVerificationException : CryptographicException
{
    /// <summary>Creates the exception naming the rejected indices.</summary>
    public ShareVerificationException(string message, IReadOnlyList<int> rejectedIndices)
        : base(message)
    {
        RejectedIndices = rejectedIndices;
    }

    /// <summary>The indices of the holders (or dealers) whose shares did not verify.</summary>
    public IReadOnlyList<int> RejectedIndices { get; }
}
