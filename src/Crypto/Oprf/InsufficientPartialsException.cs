using System.Security.Cryptography;

namespace Kms.Crypto.Oprf;

/// <summary>Fewer than t partial evaluations verified, so the threshold evaluation cannot be completed.</summary>
public sealed class InsufficientPartialsException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public InsufficientPartialsException(int required, int valid, IReadOnlyList<int> rejectedIndices)
        : base($"Threshold evaluation needs {required} valid partial evaluations but got {valid}; "
            + $"rejected share holders: [{string.Join(", ", rejectedIndices)}].")
    {
        Required = required;
        Valid = valid;
        RejectedIndices = rejectedIndices;
    }

    /// <summary>The threshold t.</summary>
    public int Required { get; }

    /// <summary>How many distinct holders supplied a valid partial.</summary>
    public int Valid { get; }

    /// <summary>Holders whose partial failed verification.</summary>
    public IReadOnlyList<int> RejectedIndices { get; }
}
