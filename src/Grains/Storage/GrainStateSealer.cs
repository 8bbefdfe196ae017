using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Grains.Storage;

/// <summary>
/// Seals grain states with AES-256-GCM under the cluster storage key, bound to the grain type, grain id and state
/// name, so that a sealed state copied to another grain or state name does not open.
/// </summary>
/// <remarks>
/// Sealed layout: <c>u8 version (1) ‖ salt (32) ‖ ciphertext ‖ tag (16)</c>. Each seal derives its own AES key,
/// HKDF-SHA256(storage key, salt, "Orleans.Kms grain state v1"), with a zero nonce: random 96-bit nonces under one
/// long-lived key would cap the cluster at about 2^32 writes (NIST SP 800-38D), a fresh key per write has no such
/// bound. Associated data: the label, then the grain type, grain id and state name, each length-prefixed.
/// </remarks>
public sealed class GrainStateSealer : IDisposable
{
    /// <summary>The length of the cluster storage key.</summary>
    public const int KeySize = 32;

    private const byte FormatVersion = 1;
    private const int SaltSize = 32;
    private const int TagSize = 16;
    private const int Overhead = 1 + SaltSize + TagSize;
    private static readonly byte[] s_grainStateLabel = "Orleans.Kms grain state v1"u8.ToArray();
    private static readonly byte[] s_zeroNonce = new byte[12];

    private readonly byte[] _key;
    private readonly byte[] _label;
    private bool _disposed;

    /// <summary>Creates a sealer; the key bytes are copied (wipe yours).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public GrainStateSealer(ReadOnlySpan<byte> storageKey)
        : this(storageKey, s_grainStateLabel)
    {
    }

    /// <summary>A sealer for another purpose: <paramref name="label"/> separates its subkeys and associated data.</summary>
    internal GrainStateSealer(ReadOnlySpan<byte> storageKey, byte[] label)
    {
        _label = label;
        if (storageKey.Length != KeySize)
        {
            throw new ArgumentException($"The storage key must be {KeySize} bytes.", nameof(storageKey));
        }

        _key = storageKey.ToArray();
    }

    /// <summary>Seals <paramref name="plaintext"/> for one state of one grain.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, GrainId grainId, string stateName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] sealedState = new byte[Overhead + plaintext.Length];
        Span<byte> output = sealedState;
        output[0] = FormatVersion;
        Span<byte> salt = output.Slice(1, SaltSize);
        RandomNumberGenerator.Fill(salt);
        using AesGcm aes = CreateCipher(salt);
        aes.Encrypt(s_zeroNonce, plaintext, output[(1 + SaltSize)..^TagSize], output[^TagSize..],
            AssociatedData(_label, grainId, stateName));
        return sealedState;
    }

    /// <summary>Opens a sealed state of one grain.</summary>
    /// <exception cref="GrainStateCorruptedException">The data is not a sealed state of this grain and state name
    /// under this key (tampered, moved, truncated or sealed under another key).</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedState, GrainId grainId, string stateName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sealedState.Length < Overhead || sealedState[0] != FormatVersion)
        {
            throw new GrainStateCorruptedException(
                $"State '{stateName}' of grain {grainId} is not a sealed state of a known format.");
        }

        byte[] plaintext = new byte[sealedState.Length - Overhead];
        try
        {
            using AesGcm aes = CreateCipher(sealedState.Slice(1, SaltSize));
            aes.Decrypt(s_zeroNonce, sealedState[(1 + SaltSize)..^TagSize], sealedState[^TagSize..], plaintext,
                AssociatedData(_label, grainId, stateName));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new GrainStateCorruptedException(
                $"State '{stateName}' of grain {grainId} does not authenticate: it was sealed for another grain or " +
                "state, under another storage key, or altered.", exception);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    private AesGcm CreateCipher(ReadOnlySpan<byte> salt)
    {
        Span<byte> key = stackalloc byte[KeySize];
        try
        {
            Span<byte> pseudoRandomKey = stackalloc byte[KeySize];
            HKDF.Extract(HashAlgorithmName.SHA256, _key, salt, pseudoRandomKey);
            HKDF.Expand(HashAlgorithmName.SHA256, pseudoRandomKey, key, _label);
            CryptographicOperations.ZeroMemory(pseudoRandomKey);
            return new AesGcm(key, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] AssociatedData(byte[] label, GrainId grainId, string stateName)
    {
        // GrainId.ToString() is "type/key"; the parts are prefixed separately so no two triples share an encoding.
        byte[][] parts =
        [
            label,
            grainId.Type.AsSpan().ToArray(),
            grainId.Key.AsSpan().ToArray(),
            Encoding.UTF8.GetBytes(stateName),
        ];
        byte[] data = new byte[parts.Sum(part => 4 + part.Length)];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(offset), part.Length);
            part.CopyTo(data, offset + 4);
            offset += 4 + part.Length;
        }

        return data;
    }
}
