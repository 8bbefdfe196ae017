using System.Security.Cryptography;
using Kms.Crypto.Ecies;
using Kms.Crypto.Hpke;
using Kms.Crypto.Rsa;

namespace Kms.Grains.Release;

/// <summary>
/// Seals a released secret to the workload's key. HPKE base mode (RFC 9180) with DHKEM(X25519), DHKEM(P-256) or the
/// post-quantum hybrid X-Wing (ML-KEM-768 + X25519), HKDF-SHA256 and AES-256-GCM, info "Orleans.Kms release v1" and
/// empty aad, is the default; RSA-OAEP-256 and the Go system's ECIES are there for clients that only have those.
/// </summary>
internal static class ReleaseSealer
{
    public const string HpkeX25519Scheme = "hpke-x25519";
    public const string HpkeP256Scheme = "hpke-p256";
    public const string RsaOaepScheme = "rsa-oaep-256";
    public const string GoEciesScheme = "ecies-go";
    public const string HpkeXWingScheme = "hpke-xwing";

    public static IReadOnlyList<string> Schemes { get; } = [HpkeX25519Scheme, HpkeP256Scheme, HpkeXWingScheme, RsaOaepScheme, GoEciesScheme];

    /// <summary>Whether a release sealed under <paramref name="scheme"/> stays secret against a quantum adversary.</summary>
    public static bool IsPostQuantum(string scheme) => scheme == HpkeXWingScheme;

    /// <summary>Refuses a classical recipient when the namespace requires a post-quantum one.</summary>
    /// <exception cref="KmsException">The namespace requires hpke-xwing (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    public static void RequireAllowed(RecipientKey recipient, bool requirePostQuantum)
    {
        if (requirePostQuantum && !IsPostQuantum(recipient.Scheme))
        {
            throw new KmsException(
                KmsErrorKind.PolicyDenied,
                $"The namespace releases only to post-quantum recipients ({HpkeXWingScheme}); {recipient.Scheme} is classical.");
        }
    }

    private static ReadOnlySpan<byte> Info => "Orleans.Kms release v1"u8;

    /// <summary>Checks the recipient key before anything is verified or derived.</summary>
    /// <exception cref="KmsException">Unknown scheme or malformed key (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static void Validate(Kms.Grains.Release.RecipientKey recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        try
        {
            switch (recipient.Scheme)
            {
                case HpkeX25519Scheme when recipient.PublicKey is { Length: X25519KeyPair.KeySize }:
                    return;
                case HpkeP256Scheme:
                    HpkeP256.DeserializePublicKey(recipient.PublicKey).Dispose();
                    return;
                case HpkeXWingScheme:
                    HpkeXWing.ValidatePublicKey(recipient.PublicKey);
                    return;
                case RsaOaepScheme:
                    RsaKey(recipient.PublicKey);
                    return;
                case GoEciesScheme:
                    EcdhKey(recipient.PublicKey).Dispose();
                    return;
            }
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw Malformed(recipient.Scheme);
        }

        throw Schemes.Contains(recipient.Scheme)
            ? Malformed(recipient.Scheme)
            : new KmsException(KmsErrorKind.MalformedInput, $"Unknown recipient scheme (known: {string.Join(", ", Schemes)}).");
    }

    /// <summary>Seals <paramref name="secret"/>; returns the encapsulated key (empty for RSA and ECIES) and ciphertext.</summary>
    public static (byte[] Encapsulation, byte[] Ciphertext) Seal(Kms.Grains.Release.RecipientKey recipient, ReadOnlySpan<byte> secret)
    {
        switch (recipient.Scheme)
        {
            case HpkeX25519Scheme:
                {
                    HpkeSealedMessage message = HpkeX25519.SealMessage(recipient.PublicKey, Info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            case HpkeP256Scheme:
                {
                    using ECDiffieHellman key = HpkeP256.DeserializePublicKey(recipient.PublicKey);
                    HpkeSealedMessage message = HpkeP256.SealMessage(key, Info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            case HpkeXWingScheme:
                {
                    HpkeSealedMessage message = HpkeXWing.SealMessage(recipient.PublicKey, Info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            case RsaOaepScheme:
                return ([], RsaSecretEncryption.EncryptOaepSha256(RsaKey(recipient.PublicKey), secret));

            case GoEciesScheme:
                {
                    using ECDiffieHellman key = EcdhKey(recipient.PublicKey);
                    return ([], GoEcies.Encrypt(key, secret));
                }

            default:
                throw new KmsException(KmsErrorKind.MalformedInput, "Unknown recipient scheme.");
        }
    }

    private static RsaRecipientKey RsaKey(byte[] subjectPublicKeyInfo)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
        if (read != subjectPublicKeyInfo.Length)
        {
            throw new ArgumentException("Trailing bytes after the RSA key.");
        }

        RSAParameters parameters = rsa.ExportParameters(false);
        return RsaRecipientKey.FromParameters(parameters.Modulus, parameters.Exponent);
    }

    private static ECDiffieHellman EcdhKey(byte[] uncompressedPoint)
    {
        if (uncompressedPoint is not { Length: GoEcies.PointSize } || uncompressedPoint[0] != 0x04)
        {
            throw new ArgumentException("An ECIES key is an uncompressed P-256 point.");
        }

        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = uncompressedPoint[1..33], Y = uncompressedPoint[33..] },
        });
    }

    private static KmsException Malformed(string scheme) =>
        new(KmsErrorKind.MalformedInput, $"The recipient's {scheme} public key is malformed.");
}
