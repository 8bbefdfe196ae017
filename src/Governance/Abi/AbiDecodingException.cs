namespace Kms.Governance.Abi;

/// <summary>ABI data is malformed: truncated, an offset or length points outside the data, a value is not canonical
/// (dirty padding, bool other than 0/1, integer out of its type's range), or decoding would allocate too much.</summary>
public sealed class AbiDecodingException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public AbiDecodingException(string message)
        : base(message)
    {
    }
}
