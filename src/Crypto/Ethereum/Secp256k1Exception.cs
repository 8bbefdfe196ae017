using System.Security.Cryptography;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// A secp256k1 key or signature from outside is malformed (wrong length, value out of range, point not on the curve)
/// or does not recover to a public key.
/// </summary>
public sealed class Secp256k1Exception : CryptographicException
{
    /// <summary>Creates the exception with a message that describes the defect (never secret material).</summary>
    public Secp256k1Exception(string message)
        : base(message)
    {
    }
}
