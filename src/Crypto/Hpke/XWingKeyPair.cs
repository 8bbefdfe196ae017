using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;

namespace Kms.Crypto.Hpke;

/// <summary>
/// An X-Wing key pair (draft-connolly-cfrg-xwing-kem-10 §5.2): the 32-byte seed that is the private key, and the
/// 1216-byte public key pk_M ‖ pk_X. The seed is expanded once (§5.5.1) and the expansion never leaves this object;
/// the seed and the X25519 half are wiped on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// The ML-KEM-768 decapsulation key is BouncyCastle's <see cref="MLKemPrivateKeyParameters"/>, which has no way to wipe
/// its buffers: Dispose drops the reference, and the garbage collector reclaims it.
/// </remarks>
public sealed class XWingKeyPair : IDisposable
{
    /// <summary>Size of the private key (the seed, Nsk).</summary>
    public const int SeedSize = 32;

    /// <summary>Size of the public key pk_M ‖ pk_X (Npk).</summary>
    public const int PublicKeySize = MlKemPublicKeySize + X25519KeyPair.KeySize;

    /// <summary>Size of the ML-KEM-768 encapsulation key pk_M.</summary>
    internal const int MlKemPublicKeySize = 1184;

    private const int MlKemSeedSize = 64;
    private const int ExpandedSize = MlKemSeedSize + X25519KeyPair.KeySize;

    private readonly byte[] _seed;
    private readonly byte[] _publicKey;
    private readonly X25519KeyPair _x25519;
    private MLKemPrivateKeyParameters? _mlKem;
    private bool _disposed;

    private XWingKeyPair(byte[] seed)
    {
        _seed = seed;

        // expandDecapsulationKey: SHAKE256(sk, 96 bytes) = d ‖ z ‖ sk_X; (pk_M, sk_M) = ML-KEM-768.KeyGen_internal(d, z).
        byte[] expanded = new byte[ExpandedSize];
        try
        {
            var shake = new ShakeDigest(256);
            shake.BlockUpdate(seed);
            shake.OutputFinal(expanded);
            _mlKem = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, expanded[..MlKemSeedSize]);
            _x25519 = X25519KeyPair.FromPrivateKey(expanded.AsSpan(MlKemSeedSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }

        byte[] mlKemPublicKey = _mlKem.GetPublicKeyEncoded();
        _publicKey = [.. mlKemPublicKey, .. _x25519.PublicKey];
    }

    /// <summary>The 1216-byte public key pk_M ‖ pk_X (SerializePublicKey is the identity).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>pk_X, the X25519 half of the public key (the combiner binds it).</summary>
    internal ReadOnlySpan<byte> X25519PublicKey => _x25519.PublicKey;

    /// <summary>A new random key pair (GenerateKeyPair: a random 32-byte seed).</summary>
    public static XWingKeyPair Generate()
    {
        byte[] seed = new byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        return new XWingKeyPair(seed);
    }

    /// <summary>GenerateKeyPairDerand: the key pair of a 32-byte seed (the caller keeps and wipes its own copy).</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static XWingKeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An X-Wing private key (seed) is {SeedSize} bytes.", nameof(seed));
        }

        return new XWingKeyPair(seed.ToArray());
    }

    /// <summary>A copy of the 32-byte seed (SerializePrivateKey is the identity); the caller must wipe it.</summary>
    public byte[] ExportSeed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (byte[])_seed.Clone();
    }

    /// <summary>The ML-KEM-768 decapsulation key expanded from the seed.</summary>
    internal MLKemPrivateKeyParameters MlKemPrivateKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _mlKem!;
        }
    }

    /// <summary>X25519(sk_X, <paramref name="peerPublicKey"/>); false when the result is all zero (a small-order point).</summary>
    internal bool TryAgreeX25519(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _x25519.TryAgree(peerPublicKey, sharedSecret);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_seed);
            _x25519.Dispose();
            _mlKem = null;
        }
    }
}
