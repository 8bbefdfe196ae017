using System.Security.Cryptography;

namespace Kms.Crypto.P256;

/// <summary>
/// An encoded cryptographic value (scalar, point, share, commitment, proof, label) is malformed:
/// wrong length, out of range, not on the curve, the identity where it is not allowed, or otherwise invalid.
/// </summary>
/// <remarks>Messages name what is wrong with the encoding and never echo secret bytes.</remarks>
public sealed class CryptographicFormatException : CryptographicException
{
    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public CryptographicFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CryptographicFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
