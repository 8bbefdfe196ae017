namespace Kms.Governance.Policy;

/// <summary>A policy document or signed envelope does not follow the schema (Policy/README.md).</summary>
public sealed class PolicyFormatException : FormatException
{
    /// <summary>Creates the exception; <paramref name="message"/> names the offending member.</summary>
    public PolicyFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
