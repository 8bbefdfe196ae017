namespace Kms.Governance.Rlp;

/// <summary>RLP input is malformed or not canonical (truncated, trailing bytes, non-minimal lengths or integers, too deep).</summary>
public sealed class RlpException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public RlpException(string message)
        : base(message)
    {
    }
}
