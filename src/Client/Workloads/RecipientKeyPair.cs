using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Kms.Crypto.Rsa;

namespace Kms.Client.Workloads;

/// <summary>
/// The workload's key that releases are sealed to: a scheme, the public key sent to the KMS (and bound into the
/// evidence's report data) and the private key that opens the sealed answer. Private material is wiped on dispose.
/// </summary>
public abstract class RecipientKeyPair : IDisposable
{
    private protected static ReadOnlySpan<byte> Info => "Orleans.Kms release v1"u8;

    private protected RecipientKeyPair()
    {
    }

    /// <summary>The scheme name the KMS knows it by (<see cref="RecipientSchemes"/>).</summary>
    public abstract string Scheme { get; }

    /// <summary>The public key as the API carries it (raw X25519, uncompressed P-256, X-Wing, RSA SubjectPublicKeyInfo).</summary>
    public abstract ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>A new key pair of <paramref name="scheme"/>.</summary>
    /// <exception cref="ArgumentException">The scheme is not one of <see cref="RecipientSchemes.All"/>.</exception>
    public static RecipientKeyPair Generate(string scheme) => scheme switch
    {
        RecipientSchemes.HpkeX25519 => new X25519Recipient(),
        RecipientSchemes.HpkeP256 => new P256Recipient(),
        RecipientSchemes.HpkeXWing => new XWingRecipient(),
        RecipientSchemes.RsaOaep256 => new RsaRecipient(),
        _ => throw new ArgumentException(
            $"Unknown recipient scheme '{scheme}' (known: {string.Join(", ", RecipientSchemes.All)}).", nameof(scheme)),
    };

    /// <summary>Opens a release sealed to this key.</summary>
    /// <exception cref="CryptographicException">The release is not for this key, or it was altered.</exception>
    public byte[] Open(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext)
    {
        try
        {
            return OpenCore(encapsulation, ciphertext);
        }
        catch (Exception exception) when (exception is HpkeException or RsaDecryptionException or ArgumentException)
        {
            // One message for every cause: which check failed says nothing useful to a workload and may help an attacker.
            throw new CryptographicException($"The {Scheme} release does not open with this key.", exception);
        }
    }

    private protected abstract byte[] OpenCore(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Wipes and releases the private key.</summary>
    protected abstract void Dispose(bool disposing);

    private sealed class X25519Recipient : RecipientKeyPair
    {
        private readonly X25519KeyPair _key = X25519KeyPair.Generate();
        private readonly byte[] _public;

        public X25519Recipient() => _public = _key.PublicKey.ToArray();

        public override string Scheme => RecipientSchemes.HpkeX25519;

        public override ReadOnlyMemory<byte> PublicKey => _public;

        private protected override byte[] OpenCore(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext) =>
            HpkeX25519.Open(_key, Info, [], [.. encapsulation, .. ciphertext]);

        protected override void Dispose(bool disposing) => _key.Dispose();
    }

    private sealed class P256Recipient : RecipientKeyPair
    {
        private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        private readonly byte[] _public;

        public P256Recipient() => _public = HpkeP256.SerializePublicKey(_key);

        public override string Scheme => RecipientSchemes.HpkeP256;

        public override ReadOnlyMemory<byte> PublicKey => _public;

        private protected override byte[] OpenCore(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext) =>
            HpkeP256.Open(_key, Info, [], [.. encapsulation, .. ciphertext]);

        protected override void Dispose(bool disposing) => _key.Dispose();
    }

    private sealed class XWingRecipient : RecipientKeyPair
    {
        private readonly XWingKeyPair _key = XWingKeyPair.Generate();
        private readonly byte[] _public;

        public XWingRecipient() => _public = _key.PublicKey.ToArray();

        public override string Scheme => RecipientSchemes.HpkeXWing;

        public override ReadOnlyMemory<byte> PublicKey => _public;

        private protected override byte[] OpenCore(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext) =>
            HpkeXWing.Open(_key, Info, [], [.. encapsulation, .. ciphertext]);

        protected override void Dispose(bool disposing) => _key.Dispose();
    }

    private sealed class RsaRecipient : RecipientKeyPair
    {
        private readonly RsaDecryptionKey _key = RsaDecryptionKey.Generate();
        private readonly byte[] _public;

        public RsaRecipient()
        {
            using RSA rsa = _key.PublicKey.CreateRsa();
            _public = rsa.ExportSubjectPublicKeyInfo();
        }

        public override string Scheme => RecipientSchemes.RsaOaep256;

        public override ReadOnlyMemory<byte> PublicKey => _public;

        private protected override byte[] OpenCore(ReadOnlySpan<byte> encapsulation, ReadOnlySpan<byte> ciphertext)
        {
            if (!encapsulation.IsEmpty)
            {
                throw new ArgumentException("An RSA-OAEP release has no encapsulated key.");
            }

            return _key.DecryptOaepSha256(ciphertext);
        }

        protected override void Dispose(bool disposing) => _key.Dispose();
    }
}
