using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Hpke;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// One-shot HPKE base mode, DHKEM(P-256, HKDF-SHA256) or DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM,
/// 1 KiB message: Seal includes the ephemeral key generation and DH; Open includes key validation, DH, key schedule and AEAD.
/// </summary>
[MemoryDiagnoser]
public class HpkeBenchmarks
{
    private readonly byte[] _plaintext = new byte[1024];
    private ECDiffieHellman _recipient = null!;
    private byte[] _sealed = null!;
    private X25519KeyPair _x25519Recipient = null!;
    private byte[] _x25519Sealed = null!;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_plaintext);
        _recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _sealed = HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);
        _x25519Recipient = X25519KeyPair.Generate();
        _x25519Sealed = HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _plaintext);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recipient.Dispose();
        _x25519Recipient.Dispose();
    }

    [Benchmark]
    public byte[] Seal1KiB() => HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);

    [Benchmark]
    public byte[] Open1KiB() => HpkeP256.Open(_recipient, "bench"u8, [], _sealed);

    [Benchmark]
    public byte[] SealX25519_1KiB() => HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _plaintext);

    [Benchmark]
    public byte[] OpenX25519_1KiB() => HpkeX25519.Open(_x25519Recipient, "bench"u8, [], _x25519Sealed);
}
