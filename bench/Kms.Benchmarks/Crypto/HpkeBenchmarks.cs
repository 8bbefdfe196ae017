using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Hpke;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// One-shot HPKE base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, 1 KiB message: Seal includes the
/// ephemeral key generation and ECDH; Open includes point validation, ECDH, key schedule and AEAD.
/// </summary>
[MemoryDiagnoser]
public class HpkeBenchmarks
{
    private readonly byte[] _plaintext = new byte[1024];
    private ECDiffieHellman _recipient = null!;
    private byte[] _sealed = null!;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_plaintext);
        _recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _sealed = HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);
    }

    [GlobalCleanup]
    public void Cleanup() => _recipient.Dispose();

    [Benchmark]
    public byte[] Seal1KiB() => HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);

    [Benchmark]
    public byte[] Open1KiB() => HpkeP256.Open(_recipient, "bench"u8, [], _sealed);
}
