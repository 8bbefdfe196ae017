using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Tests.Transactions;

public sealed class TransactionSenderTests
{
    private static readonly byte[] s_key = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    public static TheoryData<TransactionSenderOptions> InvalidOptions => new()
    {
        new TransactionSenderOptions { GasLimitPercent = 0 },
        new TransactionSenderOptions { GasLimitPercent = -25 },
        new TransactionSenderOptions { GasLimitPercent = 99 },   // below the estimate: out of gas, fee still paid
        new TransactionSenderOptions { GasLimitPercent = 100_000 },
        new TransactionSenderOptions { BaseFeeMultiplier = 0 },
        new TransactionSenderOptions { MaxFeePerGasCap = 0 },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptions_AreRefusedAtConstruction(TransactionSenderOptions options)
    {
        using var http = new HttpClient();
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });

        Assert.Throws<ArgumentOutOfRangeException>(() => new TransactionSender(client, s_key, options));
    }

    [Fact]
    public void DefaultOptions_AreAccepted()
    {
        using var http = new HttpClient();
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });

        using var sender = new TransactionSender(client, s_key, new TransactionSenderOptions());
        Assert.Equal("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", sender.Address.ToString());
    }
}
