using Kms.Crypto.Ed25519;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Policy;

/// <summary>
/// A policy signer: an Ed25519 public key (scheme <c>ed25519</c>, id = 64 lowercase hex) or an Ethereum account
/// signing EIP-191 personal messages (scheme <c>secp256k1-eip191</c>, id = 0x + 40 lowercase hex).
/// Two signers are the same when scheme and id are equal.
/// </summary>
public sealed class PolicySigner : IEquatable<PolicySigner>
{
    /// <summary>The Ed25519 scheme name.</summary>
    public const string Ed25519Scheme = "ed25519";

    /// <summary>The secp256k1 EIP-191 personal-message scheme name.</summary>
    public const string Secp256k1Eip191Scheme = "secp256k1-eip191";

    private PolicySigner(string scheme, string id, Ed25519PublicKey? ed25519Key, EthereumAddress? address)
    {
        Scheme = scheme;
        Id = id;
        Ed25519Key = ed25519Key;
        Address = address;
    }

    /// <summary>The signature scheme.</summary>
    public string Scheme { get; }

    /// <summary>The normalized signer id (lowercase hex).</summary>
    public string Id { get; }

    internal Ed25519PublicKey? Ed25519Key { get; }

    internal EthereumAddress? Address { get; }

    /// <summary>An Ed25519 signer.</summary>
    public static PolicySigner ForEd25519(Ed25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new PolicySigner(Ed25519Scheme, key.ToHex(), key, null);
    }

    /// <summary>An Ethereum account signer.</summary>
    public static PolicySigner ForEthereumAccount(EthereumAddress address) =>
        new(Secp256k1Eip191Scheme, address.ToLowerHexString(), null, address);

    /// <summary>Parses a signer as written in a signed envelope or in configuration.</summary>
    /// <exception cref="PolicyFormatException">Unknown scheme or a malformed signer id for the scheme.</exception>
    public static PolicySigner Parse(string scheme, string signer)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(signer);
        switch (scheme)
        {
            case Ed25519Scheme:
                try
                {
                    return ForEd25519(Ed25519PublicKey.ParseHex(signer));
                }
                catch (Ed25519FormatException ex)
                {
                    throw new PolicyFormatException($"The ed25519 signer is invalid: {ex.Message}", ex);
                }

            case Secp256k1Eip191Scheme:
                if (!signer.StartsWith("0x", StringComparison.Ordinal) || !EthereumAddress.TryParse(signer, out EthereumAddress address))
                {
                    throw new PolicyFormatException("A secp256k1-eip191 signer is a 0x-prefixed Ethereum address (EIP-55 checksum when mixed case).");
                }

                return ForEthereumAccount(address);
            default:
                throw new PolicyFormatException($"Unknown signature scheme \"{(scheme.Length <= 32 ? scheme : scheme[..32])}\".");
        }
    }

    /// <summary>The signature size the scheme uses, in bytes.</summary>
    internal static int SignatureSize(string scheme) => scheme switch
    {
        Ed25519Scheme => Ed25519PublicKey.SignatureSizeInBytes,
        Secp256k1Eip191Scheme => Secp256k1Signature.RecoverableLength,
        _ => throw new PolicyFormatException("Unknown signature scheme."),
    };

    /// <summary>Whether <paramref name="signature"/> is this signer's valid signature over <paramref name="message"/>.</summary>
    internal bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (Ed25519Key is not null)
        {
            return signature.Length == Ed25519PublicKey.SignatureSizeInBytes && Ed25519Key.Verify(message, signature);
        }

        return Address is { } address && Eip191.Verify(message, signature, address);
    }

    /// <summary><c>scheme:id</c>.</summary>
    public override string ToString() => $"{Scheme}:{Id}";

    /// <inheritdoc/>
    public bool Equals(PolicySigner? other) =>
        other is not null && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal) && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PolicySigner);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Scheme), StringComparer.Ordinal.GetHashCode(Id));
}
