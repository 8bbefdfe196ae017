using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Kms.Crypto.Hpke;

namespace Kms.Benchmarks.Crypto;

/// <summary>
/// One-shot HPKE base mode with DHKEM(P-256), DHKEM(X25519) or X-Wing (ML-KEM-768 + X25519) / HKDF-SHA256 /
/// AES-256-GCM, for a 1 KiB message and for a 32-byte secret (a released key): Seal includes the ephemeral key
/// generation and encapsulation; Open includes decoding, decapsulation, key schedule and AEAD. The X-Wing KEM alone
/// (encapsulation, decapsulation) is measured beside them.
/// </summary>
[MemoryDiagnoser]
public class HpkeBenchmarks
{
    private readonly byte[] _plaintext = new byte[1024];
    private readonly byte[] _secret = new byte[32];
    private ECDiffieHellman _recipient = null!;
    private byte[] _sealed = null!;
    private byte[] _sealedSecret = null!;
    private X25519KeyPair _x25519Recipient = null!;
    private byte[] _x25519Sealed = null!;
    private byte[] _x25519SealedSecret = null!;
    private XWingKeyPair _xWingRecipient = null!;
    private byte[] _xWingPublicKey = null!;
    private byte[] _xWingCiphertext = null!;
    private byte[] _xWingSealedSecret = null!;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_plaintext);
        RandomNumberGenerator.Fill(_secret);
        _recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _sealed = HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);
        _sealedSecret = HpkeP256.Seal(_recipient, "bench"u8, [], _secret);
        _x25519Recipient = X25519KeyPair.Generate();
        _x25519Sealed = HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _plaintext);
        _x25519SealedSecret = HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _secret);
        _xWingRecipient = XWingKeyPair.Generate();
        _xWingPublicKey = _xWingRecipient.PublicKey.ToArray();
        XWingKem.Encapsulate(_xWingPublicKey, out _xWingCiphertext);
        _xWingSealedSecret = HpkeXWing.Seal(_xWingPublicKey, "bench"u8, [], _secret);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recipient.Dispose();
        _x25519Recipient.Dispose();
        _xWingRecipient.Dispose();
    }

    [Benchmark]
    public byte[] Seal1KiB() => HpkeP256.Seal(_recipient, "bench"u8, [], _plaintext);

    [Benchmark]
    public byte[] Open1KiB() => HpkeP256.Open(_recipient, "bench"u8, [], _sealed);

    [Benchmark]
    public byte[] SealX25519_1KiB() => HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _plaintext);

    [Benchmark]
    public byte[] OpenX25519_1KiB() => HpkeX25519.Open(_x25519Recipient, "bench"u8, [], _x25519Sealed);

    [Benchmark]
    public byte[] SealP256_32B() => HpkeP256.Seal(_recipient, "bench"u8, [], _secret);

    [Benchmark]
    public byte[] OpenP256_32B() => HpkeP256.Open(_recipient, "bench"u8, [], _sealedSecret);

    [Benchmark]
    public byte[] SealX25519_32B() => HpkeX25519.Seal(_x25519Recipient.PublicKey, "bench"u8, [], _secret);

    [Benchmark]
    public byte[] OpenX25519_32B() => HpkeX25519.Open(_x25519Recipient, "bench"u8, [], _x25519SealedSecret);

    [Benchmark]
    public byte[] SealXWing_32B() => HpkeXWing.Seal(_xWingPublicKey, "bench"u8, [], _secret);

    [Benchmark]
    public byte[] OpenXWing_32B() => HpkeXWing.Open(_xWingRecipient, "bench"u8, [], _xWingSealedSecret);

    /// <summary>X-Wing Encapsulate alone: pk decoding with the ML-KEM key check, ML-KEM-768 Encaps, two X25519, SHA3-256.</summary>
    [Benchmark]
    public byte[] XWingEncapsulate() => XWingKem.Encapsulate(_xWingPublicKey, out _);

    /// <summary>X-Wing Decapsulate alone with the expanded key cached in the key pair: ML-KEM-768 Decaps, X25519, SHA3-256.</summary>
    [Benchmark]
    public byte[] XWingDecapsulate() => XWingKem.Decapsulate(_xWingCiphertext, _xWingRecipient);

    /// <summary>X-Wing key expansion from a seed (SHAKE256, ML-KEM-768 KeyGen, X25519): the cost of loading a stored key.</summary>
    [Benchmark]
    public int XWingKeyPairFromSeed()
    {
        using XWingKeyPair keyPair = XWingKeyPair.FromSeed(_secret);
        return keyPair.PublicKey.Length;
    }
}
