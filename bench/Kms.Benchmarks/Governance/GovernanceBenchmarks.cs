using System.Numerics;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.Transactions;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;

namespace Kms.Benchmarks.Governance;

/// <summary>ABI decoding of typical governance return data (guarded Nethereum and the strict walk alone), call-data encoding, and EIP-1559 transaction signing/recovery.</summary>
[MemoryDiagnoser]
public class GovernanceBenchmarks
{
    private static readonly byte[] s_key = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    private byte[] _onboardRequest = [];
    private byte[] _domainNames = [];
    private byte[] _dcapCall = [];
    private DcapReportStruct _dcapReport = null!;
    private Eip1559Transaction _transaction = null!;
    private byte[] _signedRaw = [];

    [GlobalSetup]
    public void Setup()
    {
        var encoder = new ParametersEncoder();
        _onboardRequest = encoder.EncodeParametersFromTypeAttributes(typeof(OnboardRequestOutput), new OnboardRequestOutput
        {
            Value = new OnboardRequestStruct { Pubkey = new byte[178], Nonce = BigInteger.One, Operator = EthereumAddress.Zero.ToLowerHexString(), Attestation = new byte[5000] },
        });
        _domainNames = encoder.EncodeParametersFromTypeAttributes(typeof(StringArrayOutput), new StringArrayOutput { Value = [.. Enumerable.Range(0, 32).Select(i => $"kms-{i}.example.org")] });
        byte[][] registers = Enumerable.Range(0, 8).Select(i => new byte[48]).ToArray();
        _dcapCall = new DcapIdentityFunction
        {
            Report = new DcapReport(registers[0], [registers[1], registers[2], registers[3], registers[4]], registers[5], registers[6], registers[7]).ToStruct(),
        }.GetCallData();
        _dcapReport = new DcapReport(registers[0], [registers[1], registers[2], registers[3], registers[4]], registers[5], registers[6], registers[7]).ToStruct();
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

    // The bindings' path: size cap, bounded strict walk, Nethereum's decoding, Nethereum's re-encoding compared.
    [Benchmark]
    public object DecodeOnboardRequest() => GuardedOutputDecoder.Decode<OnboardRequestOutput>(GovernanceAbi.FetchOnboardRequest, _onboardRequest, 1 << 20);

    [Benchmark]
    public object DecodeDomainNames() => GuardedOutputDecoder.Decode<StringArrayOutput>(GovernanceAbi.InstanceDomainNames, _domainNames, 1 << 20);

    // The bounded strict walk alone (the whole decoding before the move to Nethereum).
    [Benchmark]
    public object?[] StrictWalkOnboardRequest() => GovernanceAbi.FetchOnboardRequest.DecodeOutput(_onboardRequest);

    [Benchmark]
    public object?[] StrictWalkDomainNames() => GovernanceAbi.InstanceDomainNames.DecodeOutput(_domainNames);

    [Benchmark]
    public byte[] EncodeDcapIdentityCall() => new DcapIdentityFunction { Report = _dcapReport }.GetCallData();

    [Benchmark]
    public object?[] DecodeDcapIdentityCall() => GovernanceAbi.DcapIdentity.DecodeCall(_dcapCall);

    [Benchmark]
    public SignedTransaction SignEip1559() => _transaction.Sign(s_key);

    [Benchmark]
    public SignedTransaction DecodeAndRecoverEip1559() => Eip1559Transaction.DecodeSigned(_signedRaw);
}
