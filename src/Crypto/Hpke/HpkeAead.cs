namespace Kms.Crypto.Hpke;

/// <summary>The RFC 9180 AEAD identifiers supported here.</summary>
public enum HpkeAead : ushort
{
    /// <summary>AES-128-GCM (0x0001).</summary>
    Aes128Gcm = 0x0001,

    /// <summary>AES-256-GCM (0x0002); the default for secrets released by the KMS.</summary>
    Aes256Gcm = 0x0002,
}
