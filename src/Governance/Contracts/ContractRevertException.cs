using Kms.Governance.Abi;

namespace Kms.Governance.Contracts;

/// <summary>A contract call or transaction reverted; <see cref="Reason"/> is the decoded revert data.</summary>
public sealed class ContractRevertException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContractRevertException(string function, RevertReason reason, Exception? inner = null)
        : base($"{function} reverted: {reason}", inner)
    {
        Function = function;
        Reason = reason;
    }

    /// <summary>The function signature that reverted.</summary>
    public string Function { get; }

    /// <summary>The decoded revert data.</summary>
    public RevertReason Reason { get; }
}
