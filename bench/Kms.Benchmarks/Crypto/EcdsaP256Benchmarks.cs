using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// P-256 ECDSA sign/verify of a 32-byte digest with the BCL (OpenSSL underneath on Linux); comparable with
/// <c>openssl speed -seconds 3 ecdsap256</c>, which also signs a precomputed digest.
/// </summary>
[MemoryDiagnoser]
public class EcdsaP256Benchmarks
{
    private readonly byte[] _digest = SHA256.HashData("Orleans.Kms benchmark message"u8);
    private ECDsa _key = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _signature = _key.SignHash(_digest);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Sign() => _key.SignHash(_digest);

    [Benchmark]
    public bool Verify() => _key.VerifyHash(_digest, _signature);
}
