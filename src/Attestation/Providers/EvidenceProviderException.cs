namespace Kms.Attestation.Providers;

/// <summary>Why an <see cref="IEvidenceProvider"/> could not produce evidence.</summary>
public enum EvidenceProviderFailure
{
    /// <summary>The TEE interface is not there (no configfs-tsm entry, no /dev/sev-guest) or refused access.</summary>
    Unavailable,

    /// <summary>The interface belongs to another TEE than the provider's (e.g. an SEV-SNP guest asked for a TDX quote).</summary>
    WrongTee,

    /// <summary>Someone else wrote to the same report entry while this report was made: the report may not be ours.</summary>
    ConcurrentUse,

    /// <summary>What the TEE returned is empty, too large or malformed.</summary>
    MalformedOutput,

    /// <summary>This kind of evidence is not built yet.</summary>
    NotSupported,
}

/// <summary>An evidence provider could not produce evidence; the message names the interface and what went wrong.</summary>
public sealed class EvidenceProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EvidenceProviderException(EvidenceProviderFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>What went wrong.</summary>
    public EvidenceProviderFailure Failure { get; }
}
