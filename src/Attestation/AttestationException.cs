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

    /// <summary>
    /// <paramref name="value"/> when it is short printable ASCII, otherwise a placeholder: for quoting untrusted input
    /// (headers, unverified token fields) in messages that reach logs and responses.
    /// </summary>
    internal static string Printable(string? value) =>
        value is { Length: <= 64 } && value.All(c => c is >= ' ' and <= '~') ? value : "(not shown)";
}
