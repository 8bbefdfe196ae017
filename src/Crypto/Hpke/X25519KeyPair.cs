using System.Security.Cryptography;
using BcX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace Kms.Crypto.Hpke;

/// <summary>
/// An X25519 key pair (RFC 7748) for DHKEM(X25519, HKDF-SHA256): the 32-byte private key as serialized by RFC 9180
/// (clamped when used, not when stored) and its public key. The private key is wiped on <see cref="Dispose"/>.
/// </summary>
public sealed class X25519KeyPair : IDisposable
{
    /// <summary>Size of a private key, a public key and a shared secret.</summary>
    public const int KeySize = BcX25519.PointSize;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private X25519KeyPair(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = new byte[KeySize];
        BcX25519.ScalarMultBase(privateKey, _publicKey);
    }

    /// <summary>The 32-byte public key (the u-coordinate).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>A new random key pair.</summary>
    public static X25519KeyPair Generate()
    {
        byte[] privateKey = new byte[KeySize];
        RandomNumberGenerator.Fill(privateKey);
        return new X25519KeyPair(privateKey);
    }

    /// <summary>Imports a 32-byte private key (the caller keeps and wipes its own copy).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static X25519KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"An X25519 private key is {KeySize} bytes.", nameof(privateKey));
        }

        return new X25519KeyPair(privateKey.ToArray());
    }

    /// <summary>A copy of the private key; the caller must wipe it.</summary>
    public byte[] ExportPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (byte[])_privateKey.Clone();
    }

    /// <summary>
    /// X25519(private key, <paramref name="peerPublicKey"/>) into <paramref name="sharedSecret"/>; false when the result
    /// is all zero (a small-order peer key), which RFC 9180 §7.1.4 requires callers to refuse.
    /// </summary>
    internal bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BcX25519.CalculateAgreement(_privateKey, peerPublicKey, sharedSecret);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_privateKey);
        }
    }
}
