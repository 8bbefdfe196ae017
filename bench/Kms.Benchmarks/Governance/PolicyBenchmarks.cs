using System.Text;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Ed25519;
using Kms.Governance.Canonical;
using Kms.Governance.Policy;

namespace Kms.Benchmarks.Governance;

/// <summary>
/// Cost of accepting a policy update: RFC 8785 canonicalization of a realistic body, one Ed25519 verification,
/// and a full 2-of-3 envelope verification (parse, canonicalize, two signatures).
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private byte[] _body = [];
    private byte[] _envelope = [];
    private byte[] _message = [];
    private byte[] _signature = [];
    private Ed25519PublicKey _publicKey = null!;
    private PolicyVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        var identities = Enumerable.Range(0, 50).Select(i => $"{{\"identity\":\"{i:x64}\",\"notAfter\":{1_800_000_000 + i}}}");
        string body = $"{{\"version\":1,\"namespace\":\"payments\",\"serial\":7,\"identities\":[{string.Join(',', identities)}]," +
            $"\"operators\":[\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"],\"keyAccess\":{{\"app\":[\"{0:x64}\"]}},\"mayReplicate\":[\"{1:x64}\"]}}";
        _body = Encoding.UTF8.GetBytes(body);
        byte[] canonical = SignedPolicyBuilder.CanonicalizeBody(_body);

        Ed25519PrivateKey[] keys = Enumerable.Range(0, 3).Select(i => Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)(i + 1), 32).ToArray())).ToArray();
        _envelope = SignedPolicyBuilder.Assemble(canonical, [SignedPolicyBuilder.SignEd25519(canonical, keys[0]), SignedPolicyBuilder.SignEd25519(canonical, keys[1])]);
        _verifier = new PolicyVerifier(new PolicySignerSet(keys.Select(k => PolicySigner.ForEd25519(k.PublicKey)), 2));
        _message = PolicySigningMessage.Create(canonical);
        _signature = keys[0].Sign(_message);
        _publicKey = keys[0].PublicKey;
        foreach (Ed25519PrivateKey key in keys)
        {
            key.Dispose();
        }
    }

    [Benchmark]
    public byte[] CanonicalizeBody() => JsonCanonicalizer.Canonicalize(_body);

    [Benchmark]
    public bool VerifyEd25519() => _publicKey.Verify(_message, _signature);

    [Benchmark]
    public bool VerifyEnvelopeTwoOfThree() => _verifier.Verify(_envelope, "payments", 6).IsAccepted;
}
