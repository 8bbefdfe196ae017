using System.Security.Cryptography;

namespace Kms.Crypto.Pem;

/// <summary>A PEM document is malformed, too large, has the wrong label or more than one block.</summary>
public sealed class PemFormatException : CryptographicException
{
    /// <summary>Creates the exception with a description of what is wrong with the document.</summary>
    public PemFormatException(string message)
        : base(message)
    {
    }
}
