using BenchmarkDotNet.Attributes;
using Kms.Crypto.Ethereum;
using Nethereum.Signer;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// secp256k1 as Ethereum uses it: RFC 6979 signing of a 32-byte hash, public-key recovery, verification, and
/// EIP-191 signer recovery (hash + recover + address); Nethereum's signer (EthECKey) for comparison.
/// </summary>
[MemoryDiagnoser]
public class Secp256k1Benchmarks
{
    private static readonly byte[] s_key = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private readonly byte[] _hash = Keccak256.HashData("benchmark message"u8);
    private readonly byte[] _message = "operator approves namespace payments"u8.ToArray();
    private Secp256k1Signature _signature = null!;
    private byte[] _publicKey = [];
    private byte[] _personalSignature = [];
    private EthECKey _nethereumKey = null!;
    private EthECDSASignature _nethereumSignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signature = Secp256k1.Sign(_hash, s_key);
        _publicKey = Secp256k1.GetPublicKey(s_key);
        _personalSignature = Eip191.SignPersonalMessage(_message, s_key);
        _nethereumKey = new EthECKey(s_key, true);
        _nethereumSignature = _nethereumKey.SignAndCalculateV(_hash);
    }

    [Benchmark]
    public Secp256k1Signature Sign() => Secp256k1.Sign(_hash, s_key);

    [Benchmark]
    public byte[] Recover() => Secp256k1.RecoverPublicKey(_hash, _signature);

    [Benchmark]
    public bool Verify() => Secp256k1.Verify(_hash, _signature, _publicKey);

    [Benchmark]
    public EthereumAddress RecoverEip191Signer() => Eip191.RecoverPersonalMessageSigner(_message, _personalSignature);

    [Benchmark]
    public EthECDSASignature NethereumSign() => _nethereumKey.SignAndCalculateV(_hash);

    [Benchmark]
    public EthECKey NethereumRecover() => EthECKey.RecoverFromSignature(_nethereumSignature, _hash);
}
