namespace Kms.Silo;

/// <summary>The silo cannot start as configured; the message tells the operator what to change.</summary>
public sealed class SiloStartupException : Exception
{
    /// <summary>Creates the exception with an operator-facing message.</summary>
    public SiloStartupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
