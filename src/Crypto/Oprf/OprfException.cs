using System.Security.Cryptography;

namespace Kms.Crypto.Oprf;

/// <summary>
/// An RFC 9497 protocol error: the input hashes to the identity (InvalidInputError), a proof does not verify
/// (VerifyError) or key derivation failed (DeriveKeyPairError).
/// </summary>
public sealed class OprfException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public OprfException(OprfError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Which RFC 9497 error this is.</summary>
    public OprfError Error { get; }
}

/// <summary>The RFC 9497 error kinds.</summary>
public enum OprfError
{
    /// <summary>The input maps to the identity element.</summary>
    InvalidInput,

    /// <summary>A DLEQ proof did not verify.</summary>
    Verify,

    /// <summary>DeriveKeyPair found no non-zero scalar in 256 attempts.</summary>
    DeriveKeyPair,
}
