using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>
/// The state shared by an HPKE sender and recipient (RFC 9180 §5.2): AEAD key, base nonce, sequence number and
/// exporter secret. Not thread-safe: the sequence number is the nonce, so one context serves one message stream.
/// </summary>
public abstract class HpkeContext : IDisposable
{
    /// <summary>AEAD tag size (both AES-GCM variants).</summary>
    public const int TagSize = 16;

    private readonly AesGcm _aead;
    private readonly byte[] _baseNonce;
    private readonly byte[] _exporterSecret;
    private readonly byte[] _suiteId;
    private bool _disposed;

    private protected HpkeContext(HpkeAead aead, HpkeKeySchedule schedule)
    {
        Aead = aead;
        _aead = new AesGcm(schedule.Key, TagSize);
        _baseNonce = (byte[])schedule.BaseNonce.Clone();
        _exporterSecret = (byte[])schedule.ExporterSecret.Clone();
        _suiteId = schedule.SuiteId;
        schedule.Clear();
    }

    /// <summary>The AEAD of this context.</summary>
    public HpkeAead Aead { get; }

    /// <summary>The sequence number of the next message.</summary>
    public ulong SequenceNumber { get; private set; }

    /// <summary>Export(exporter_context, L): a secret of <paramref name="length"/> bytes bound to this context.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not in [1, 8160].</exception>
    public byte[] Export(ReadOnlySpan<byte> exporterContext, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 255 * HpkeLabels.HashSize);
        byte[] output = new byte[length];
        HpkeLabels.LabeledExpand(_suiteId, _exporterSecret, "sec"u8, exporterContext, output);
        return output;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _aead.Dispose();
            CryptographicOperations.ZeroMemory(_baseNonce);
            CryptographicOperations.ZeroMemory(_exporterSecret);
        }

        GC.SuppressFinalize(this);
    }

    private protected byte[] SealNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> nonce = stackalloc byte[HpkeKeySchedule.NonceSize];
        ComputeNonce(nonce);
        byte[] output = new byte[plaintext.Length + TagSize];
        _aead.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        SequenceNumber++;
        return output;
    }

    private protected byte[] OpenNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ciphertext.Length < TagSize)
        {
            throw new HpkeException($"The ciphertext is {ciphertext.Length} bytes; it must hold at least the {TagSize}-byte tag.");
        }

        Span<byte> nonce = stackalloc byte[HpkeKeySchedule.NonceSize];
        ComputeNonce(nonce);
        byte[] plaintext = new byte[ciphertext.Length - TagSize];
        try
        {
            _aead.Decrypt(nonce, ciphertext[..^TagSize], ciphertext[^TagSize..], plaintext, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new HpkeException("The ciphertext does not authenticate (wrong key, info, AAD, sequence number or tampered data).");
        }

        // RFC 9180: the sequence number advances only on success.
        SequenceNumber++;
        return plaintext;
    }

    private void ComputeNonce(Span<byte> nonce)
    {
        // 2^64 - 1 messages is below the RFC limit 2^96 - 1 for Nn = 12; stop before the counter would wrap.
        if (SequenceNumber == ulong.MaxValue)
        {
            throw new HpkeException("The HPKE context reached its message limit.");
        }

        _baseNonce.CopyTo(nonce);
        Span<byte> sequence = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(sequence, SequenceNumber);
        for (int i = 0; i < sequence.Length; i++)
        {
            nonce[nonce.Length - sequence.Length + i] ^= sequence[i];
        }
    }
}

/// <summary>The sender side of an HPKE context (SetupBaseS).</summary>
public sealed class HpkeSenderContext : HpkeContext
{
    internal HpkeSenderContext(HpkeAead aead, HpkeKeySchedule schedule, byte[] encapsulatedKey)
        : base(aead, schedule)
    {
        EncapsulatedKey = encapsulatedKey;
    }

    /// <summary>enc: what the recipient needs to decapsulate (a 65-byte P-256 point, a 32-byte X25519 key or a 1120-byte X-Wing ciphertext).</summary>
    public ReadOnlyMemory<byte> EncapsulatedKey { get; }

    /// <summary>Seals the next message; returns ciphertext ‖ tag and advances the sequence number.</summary>
    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext) => SealNext(aad, plaintext);

    /// <summary>Seals the next message and pairs it with enc (the one-shot form).</summary>
    internal HpkeSealedMessage SealMessage(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        byte[] ciphertext = Seal(aad, plaintext);
        return new HpkeSealedMessage(Aead, EncapsulatedKey.ToArray(), ciphertext);
    }
}

/// <summary>The recipient side of an HPKE context (SetupBaseR).</summary>
public sealed class HpkeRecipientContext : HpkeContext
{
    internal HpkeRecipientContext(HpkeAead aead, HpkeKeySchedule schedule)
        : base(aead, schedule)
    {
    }

    /// <summary>Opens the next message (ciphertext ‖ tag) and advances the sequence number on success.</summary>
    /// <exception cref="HpkeException">The ciphertext is too short or does not authenticate.</exception>
    public byte[] Open(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) => OpenNext(aad, ciphertext);
}
