using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>
/// An HPKE input is malformed (encapsulated key, ciphertext), does not authenticate, or a context reached its
/// message limit. The message never contains key material.
/// </summary>
public sealed class HpkeException : CryptographicException
{
    /// <summary>Creates the exception with a description of what is wrong.</summary>
    public HpkeException(string message)
        : base(message)
    {
    }
}
