using System.Security.Cryptography;

namespace Kms.Crypto.Ecies;

/// <summary>An ECIES message is malformed or does not authenticate. The message never contains key material.</summary>
public sealed class EciesException : CryptographicException
{
    /// <summary>Creates the exception with a description of what is wrong with the message.</summary>
    public EciesException(string message)
        : base(message)
    {
    }
}
