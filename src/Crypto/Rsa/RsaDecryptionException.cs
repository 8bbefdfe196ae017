using System.Security.Cryptography;

namespace Kms.Crypto.Rsa;

/// <summary>
/// An RSA ciphertext does not decrypt under the key. One message for every cause (length, padding, label), so the
/// error is no padding oracle.
/// </summary>
public sealed class RsaDecryptionException : CryptographicException
{
    /// <summary>Creates the exception with the fixed message.</summary>
    public RsaDecryptionException()
        : base("The ciphertext does not decrypt under this RSA key with RSA-OAEP-256.")
    {
    }
}
