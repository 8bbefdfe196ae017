using System.Numerics;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.Transactions;

namespace Kms.Benchmarks.Governance;

/// <summary>ABI decoding of typical governance return data and EIP-1559 transaction signing/recovery.</summary>
[MemoryDiagnoser]
public class GovernanceBenchmarks
{
    private static readonly byte[] s_key = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    private byte[] _onboardRequest = [];
    private byte[] _domainNames = [];
    private byte[] _dcapCall = [];
    private Eip1559Transaction _transaction = null!;
    private byte[] _signedRaw = [];

    [GlobalSetup]
    public void Setup()
    {
        _onboardRequest = AbiEncoder.Encode(GovernanceAbi.FetchOnboardRequest.Outputs, [new object[] { new byte[178], BigInteger.One, EthereumAddress.Zero, new byte[5000] }]);
        _domainNames = AbiEncoder.Encode(GovernanceAbi.InstanceDomainNames.Outputs, [Enumerable.Range(0, 32).Select(i => (object?)$"kms-{i}.example.org").ToArray()]);
        byte[][] registers = Enumerable.Range(0, 8).Select(i => new byte[48]).ToArray();
        _dcapCall = GovernanceAbi.DcapIdentity.EncodeCall(new object[] { registers[0], new object[] { registers[1], registers[2], registers[3], registers[4] }, registers[5], registers[6], registers[7] }, Array.Empty<object>());
        _transaction = new Eip1559Transaction
        {
            ChainId = 31337,
            Nonce = 42,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 3_000_000_000,
            GasLimit = 200_000,
            To = EthereumAddress.Zero,
            Data = _dcapCall,
        };
        _signedRaw = _transaction.Sign(s_key).RawBytes;
    }

    [Benchmark]
    public object?[] DecodeOnboardRequest() => GovernanceAbi.FetchOnboardRequest.DecodeOutput(_onboardRequest);

    [Benchmark]
    public object?[] DecodeDomainNames() => GovernanceAbi.InstanceDomainNames.DecodeOutput(_domainNames);

    [Benchmark]
    public object?[] DecodeDcapIdentityCall() => GovernanceAbi.DcapIdentity.DecodeCall(_dcapCall);

    [Benchmark]
    public SignedTransaction SignEip1559() => _transaction.Sign(s_key);

    [Benchmark]
    public SignedTransaction DecodeAndRecoverEip1559() => Eip1559Transaction.DecodeSigned(_signedRaw);
}
