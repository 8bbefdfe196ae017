namespace Kms.Crypto.Ed25519;

/// <summary>
/// An Ed25519 key or signature encoding is malformed (wrong length, not a curve point, bad hex).
/// </summary>
public sealed class Ed25519FormatException : FormatException
{
    /// <summary>Creates the exception with a message that says what is wrong (never key material).</summary>
    public Ed25519FormatException(string message)
        : base(message)
    {
    }
}
