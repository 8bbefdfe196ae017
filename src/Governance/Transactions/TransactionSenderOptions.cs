using System.Numerics;

namespace Kms.Governance.Transactions;

/// <summary>Options of <see cref="TransactionSender"/>.</summary>
public sealed class TransactionSenderOptions
{
    /// <summary>Multiplier (percent) applied to eth_estimateGas, 100 to 1000. Default: 125 (25 % headroom).</summary>
    public int GasLimitPercent { get; set; } = 125;

    /// <summary>maxFeePerGas = BaseFeeMultiplier × next base fee + tip; at least 1. Default: 2 (survives several full blocks).</summary>
    public int BaseFeeMultiplier { get; set; } = 2;

    /// <summary>Upper bound for maxFeePerGas in wei; sending fails rather than paying more. Default: 500 gwei.</summary>
    public BigInteger MaxFeePerGasCap { get; set; } = BigInteger.Parse("500000000000", System.Globalization.CultureInfo.InvariantCulture);
}
