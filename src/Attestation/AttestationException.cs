namespace Kms.Attestation;

/// <summary>
/// The typed failure of every verifier and evidence parser. The message says what is wrong with the
/// evidence; it never contains secret material.
/// </summary>
public sealed class AttestationException : Exception
{
    public AttestationException(AttestationFailureKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public AttestationException(AttestationFailureKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>The reason the evidence was refused.</summary>
    public AttestationFailureKind Kind { get; }

    /// <summary>Throws a <see cref="AttestationFailureKind.Malformed"/> failure.</summary>
    public static AttestationException Malformed(string message) => new(AttestationFailureKind.Malformed, message);
}
