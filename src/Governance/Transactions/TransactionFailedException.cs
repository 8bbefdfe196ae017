using Kms.Governance.JsonRpc;

namespace Kms.Governance.Transactions;

/// <summary>A transaction was mined but reverted (receipt status 0).</summary>
public sealed class TransactionFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransactionFailedException(TransactionReceipt receipt)
        : base($"Transaction 0x{Convert.ToHexStringLower(receipt.TransactionHash)} reverted in block {receipt.BlockNumber}.")
    {
        Receipt = receipt;
    }

    /// <summary>The receipt of the reverted transaction.</summary>
    public TransactionReceipt Receipt { get; }
}
