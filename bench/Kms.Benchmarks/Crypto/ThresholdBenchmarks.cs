using System.Text;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.HashToCurve;
using Kms.Crypto.Oprf;
using Kms.Crypto.Sharing;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// Threshold OPRF costs: one holder's partial evaluation with its DLEQ proof (target ≤ 0.5 ms), combining three
/// partials including their proof checks (target ≤ 2 ms), and RFC 9380 hash-to-curve.
/// </summary>
[MemoryDiagnoser]
public class ThresholdBenchmarks
{
    private static readonly byte[] s_dst = Encoding.ASCII.GetBytes("QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_");
    private readonly byte[] _input = NamespaceKey.Input("acme", 7);
    private ShamirSplit _split = null!;
    private ECPoint _element = null!;
    private PartialEvaluation[] _partials = null!;

    [GlobalSetup]
    public void Setup()
    {
        _split = ShamirP256.GenerateAndSplit(3, 5);
        _element = OprfSuite.Voprf.HashToGroup(_input);
        _partials = _split.Shares.Take(3).Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, _element)).ToArray();
    }

    [Benchmark]
    public PartialEvaluation PartialEvaluationWithProof() => ThresholdOprf.Voprf.EvaluatePartial(_split.Shares[0], _element);

    [Benchmark]
    public ThresholdEvaluation CombineThreePartialsWithProofChecks() =>
        ThresholdOprf.Voprf.Combine(_element, _partials, _split.Commitments);

    [Benchmark]
    public byte[] NamespaceKeyFromThreePartials() => NamespaceKey.Derive("acme", 7, _partials, _split.Commitments);

    [Benchmark]
    public ECPoint HashToCurve() => P256HashToCurve.HashToCurve(_input, s_dst);
}
