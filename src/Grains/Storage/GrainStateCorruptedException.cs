namespace Kms.Grains.Storage;

/// <summary>
/// A stored grain state cannot be used: it is damaged, belongs to another grain, or does not authenticate under the
/// storage key. The state is never treated as empty; the data is left where it is for an operator to inspect.
/// </summary>
[GenerateSerializer, Alias("Kms.GrainStateCorruptedException")]
public sealed class GrainStateCorruptedException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public GrainStateCorruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public GrainStateCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
