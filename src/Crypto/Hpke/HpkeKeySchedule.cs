using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>The outputs of the RFC 9180 §5.1 key schedule (mode_base, no PSK) and the suite id they were derived under.</summary>
internal sealed record HpkeKeySchedule(byte[] SuiteId, byte[] KeyScheduleContext, byte[] Secret, byte[] Key, byte[] BaseNonce, byte[] ExporterSecret)
{
    public const byte ModeBase = 0x00;
    public const ushort KdfHkdfSha256 = 0x0001;
    public const int NonceSize = 12;

    public static int KeySize(HpkeAead aead) => aead switch
    {
        HpkeAead.Aes128Gcm => 16,
        HpkeAead.Aes256Gcm => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(aead), aead, "Unsupported HPKE AEAD."),
    };

    public static HpkeKeySchedule DeriveBase(ushort kemId, HpkeAead aead, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        int keySize = KeySize(aead);
        byte[] suiteId = HpkeLabels.HpkeSuiteId(kemId, KdfHkdfSha256, (ushort)aead);

        byte[] context = new byte[1 + (2 * HpkeLabels.HashSize)];
        context[0] = ModeBase;
        HpkeLabels.LabeledExtract(suiteId, [], "psk_id_hash"u8, [], context.AsSpan(1, HpkeLabels.HashSize));
        HpkeLabels.LabeledExtract(suiteId, [], "info_hash"u8, info, context.AsSpan(1 + HpkeLabels.HashSize, HpkeLabels.HashSize));

        byte[] secret = new byte[HpkeLabels.HashSize];
        HpkeLabels.LabeledExtract(suiteId, sharedSecret, "secret"u8, [], secret);

        byte[] key = new byte[keySize];
        byte[] baseNonce = new byte[NonceSize];
        byte[] exporterSecret = new byte[HpkeLabels.HashSize];
        HpkeLabels.LabeledExpand(suiteId, secret, "key"u8, context, key);
        HpkeLabels.LabeledExpand(suiteId, secret, "base_nonce"u8, context, baseNonce);
        HpkeLabels.LabeledExpand(suiteId, secret, "exp"u8, context, exporterSecret);
        return new HpkeKeySchedule(suiteId, context, secret, key, baseNonce, exporterSecret);
    }

    public void Clear()
    {
        CryptographicOperations.ZeroMemory(Secret);
        CryptographicOperations.ZeroMemory(Key);
        CryptographicOperations.ZeroMemory(BaseNonce);
        CryptographicOperations.ZeroMemory(ExporterSecret);
    }
}
