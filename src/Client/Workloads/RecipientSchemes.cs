namespace Kms.Client.Workloads;

/// <summary>The recipient schemes the workload client can receive releases under (docs/api.md).</summary>
public static class RecipientSchemes
{
    /// <summary>HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM (the default).</summary>
    public const string HpkeX25519 = "hpke-x25519";

    /// <summary>HPKE base mode with DHKEM(P-256, HKDF-SHA256).</summary>
    public const string HpkeP256 = "hpke-p256";

    /// <summary>HPKE base mode with the post-quantum hybrid X-Wing KEM (ML-KEM-768 + X25519).</summary>
    public const string HpkeXWing = "hpke-xwing";

    /// <summary>RSA-OAEP with SHA-256 and MGF1-SHA-256 (3072-bit key).</summary>
    public const string RsaOaep256 = "rsa-oaep-256";

    /// <summary>Every scheme <see cref="RecipientKeyPair.Generate"/> accepts.</summary>
    public static IReadOnlyList<string> All { get; } = [HpkeX25519, HpkeP256, HpkeXWing, RsaOaep256];
}
