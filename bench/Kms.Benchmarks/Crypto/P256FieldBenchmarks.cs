using BenchmarkDotNet.Attributes;
using Kms.Crypto.P256;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// Latency of the P-256 base-field operations under every point formula. Each benchmark runs a dependent chain (every
/// operation consumes the previous result), so the figure per operation is latency, not throughput.
/// </summary>
public class P256FieldBenchmarks
{
    private const int ChainLength = 100;

    private P256FieldElement _a;
    private P256FieldElement _b;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(256);
        _a = RandomElement(random);
        _b = RandomElement(random);
    }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public ulong Multiply()
    {
        P256FieldElement x = _a;
        for (int i = 0; i < ChainLength; i++)
        {
            x = P256FieldElement.Multiply(x, _b);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public ulong Square()
    {
        P256FieldElement x = _a;
        for (int i = 0; i < ChainLength; i++)
        {
            x = P256FieldElement.Square(x);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public ulong Add()
    {
        P256FieldElement x = _a;
        for (int i = 0; i < ChainLength; i++)
        {
            x = P256FieldElement.Add(x, _b);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public ulong Subtract()
    {
        P256FieldElement x = _a;
        for (int i = 0; i < ChainLength; i++)
        {
            x = P256FieldElement.Subtract(x, _b);
        }

        return x.L0;
    }

    [Benchmark]
    public ulong Invert() => P256FieldElement.Invert(_a).L0;

    private static P256FieldElement RandomElement(Random random)
    {
        byte[] bytes = new byte[32];
        P256FieldElement result;
        do
        {
            random.NextBytes(bytes);
        }
        while (!P256FieldElement.TryFromBytes(bytes, out result));
        return result;
    }
}
