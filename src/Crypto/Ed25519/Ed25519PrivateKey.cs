using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Kms.Crypto.Ed25519;

/// <summary>
/// An Ed25519 private key: the 32-byte seed of RFC 8032 §5.1.5. The seed is zeroed on <see cref="Dispose"/>.
/// </summary>
public sealed class Ed25519PrivateKey : IDisposable
{
    /// <summary>The size of the private key (seed) in bytes.</summary>
    public const int SizeInBytes = 32;

    private readonly byte[] _seed;
    private bool _disposed;

    private Ed25519PrivateKey(byte[] seed)
    {
        _seed = seed;
        byte[] publicKey = new byte[Ed25519PublicKey.SizeInBytes];
        Rfc8032.GeneratePublicKey(_seed, 0, publicKey, 0);
        PublicKey = Ed25519PublicKey.Parse(publicKey);
    }

    /// <summary>The public key of this private key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Generates a new key from the operating system's CSPRNG.</summary>
    public static Ed25519PrivateKey Generate()
    {
        byte[] seed = new byte[SizeInBytes];
        RandomNumberGenerator.Fill(seed);
        return new Ed25519PrivateKey(seed);
    }

    /// <summary>Imports a key from its 32-byte seed (the seed is copied).</summary>
    /// <exception cref="Ed25519FormatException">The seed is not exactly 32 bytes.</exception>
    public static Ed25519PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SizeInBytes)
        {
            throw new Ed25519FormatException($"An Ed25519 private key is {SizeInBytes} bytes, not {seed.Length}.");
        }

        return new Ed25519PrivateKey(seed.ToArray());
    }

    /// <summary>Signs <paramref name="message"/> with pure Ed25519 (RFC 8032 §5.1.6; deterministic).</summary>
    /// <returns>The 64-byte signature R || S.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] msg = message.ToArray();
        byte[] signature = new byte[Ed25519PublicKey.SignatureSizeInBytes];
        Rfc8032.Sign(_seed, 0, msg, 0, msg.Length, signature, 0);
        return signature;
    }

    /// <summary>Copies the seed out; the caller owns (and should zero) the returned buffer.</summary>
    public byte[] ExportSeed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (byte[])_seed.Clone();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_seed);
            _disposed = true;
        }
    }
}
