using BenchmarkDotNet.Attributes;
using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// P-256 multiplications through <see cref="P256Curve"/> (constant-time k·P and k·G, variable-time a·P + b·Q for public
/// data), next to BouncyCastle's own multiplier as the baseline they replace.
/// </summary>
[MemoryDiagnoser]
public class P256Benchmarks
{
    private BigInteger _a = null!;
    private BigInteger _b = null!;
    private ECPoint _p = null!;
    private ECPoint _q = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = P256Curve.RandomNonZeroScalar();
        _b = P256Curve.RandomNonZeroScalar();
        _p = P256Curve.MultiplyGenerator(P256Curve.RandomNonZeroScalar());
        _q = P256Curve.MultiplyGenerator(P256Curve.RandomNonZeroScalar());
    }

    [Benchmark]
    public ECPoint VariableBaseMultiply() => P256Curve.Multiply(_p, _a);

    [Benchmark]
    public ECPoint GeneratorMultiply() => P256Curve.MultiplyGenerator(_a);

    [Benchmark]
    public ECPoint SumOfTwoMultiplies() => P256Curve.SumOfTwoMultiplies(_p, _a, _q, _b);

    [Benchmark]
    public ECPoint BouncyCastleVariableBaseMultiply() => _p.Multiply(_a).Normalize();
}
