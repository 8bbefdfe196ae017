using System.Security.Cryptography;

namespace Kms.Crypto.Rsa;

/// <summary>An RSA public key supplied by a client is malformed or too weak.</summary>
public sealed class RsaKeyException : CryptographicException
{
    /// <summary>Creates the exception with a description of what is wrong with the key.</summary>
    public RsaKeyException(string message)
        : base(message)
    {
    }
}
