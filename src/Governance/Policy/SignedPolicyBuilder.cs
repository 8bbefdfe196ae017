using System.Buffers;
using System.Text.Json;
using Kms.Crypto.Ed25519;
using Kms.Crypto.Ethereum;
using Kms.Governance.Canonical;

namespace Kms.Governance.Policy;

/// <summary>
/// Produces signed envelopes: canonicalize a body, collect signatures from each admin (possibly on different
/// machines: each signs <see cref="PolicySigningMessage.Create"/> of the same canonical body), then assemble.
/// </summary>
public static class SignedPolicyBuilder
{
    /// <summary>Validates a policy body against the schema and returns its canonical bytes.</summary>
    /// <exception cref="PolicyFormatException">The body is not I-JSON or does not follow the schema.</exception>
    public static byte[] CanonicalizeBody(ReadOnlySpan<byte> utf8Body)
    {
        byte[] canonical;
        try
        {
            canonical = JsonCanonicalizer.Canonicalize(utf8Body, maxDepth: 16);
        }
        catch (JsonCanonicalizationException ex)
        {
            throw new PolicyFormatException($"The policy body is not valid I-JSON ({ex.Error}): {ex.Message}", ex);
        }

        using JsonDocument document = JsonDocument.Parse(canonical);
        NamespacePolicyParser.Parse(document.RootElement);
        return canonical;
    }

    /// <summary>Signs a canonical body with an Ed25519 key.</summary>
    public static PolicySignatureEntry SignEd25519(ReadOnlySpan<byte> canonicalBody, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new PolicySignatureEntry(-1, PolicySigner.ForEd25519(key.PublicKey), key.Sign(PolicySigningMessage.Create(canonicalBody)));
    }

    /// <summary>Signs a canonical body as an EIP-191 personal message with a secp256k1 private key.</summary>
    public static PolicySignatureEntry SignSecp256k1Eip191(ReadOnlySpan<byte> canonicalBody, ReadOnlySpan<byte> privateKey) =>
        new(-1, PolicySigner.ForEthereumAccount(EthereumAddress.FromPrivateKey(privateKey)),
            Eip191.SignPersonalMessage(PolicySigningMessage.Create(canonicalBody), privateKey));

    /// <summary>Writes the envelope JSON (signatures in the given order).</summary>
    public static byte[] Assemble(ReadOnlySpan<byte> canonicalBody, IEnumerable<PolicySignatureEntry> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("policy");
            writer.WriteRawValue(canonicalBody, skipInputValidation: false);
            writer.WriteStartArray("signatures");
            foreach (PolicySignatureEntry entry in signatures)
            {
                writer.WriteStartObject();
                writer.WriteString("scheme", entry.Signer.Scheme);
                writer.WriteString("signer", entry.Signer.Id);
                string hex = Convert.ToHexStringLower(entry.Signature);
                writer.WriteString("signature", entry.Signer.Scheme == PolicySigner.Secp256k1Eip191Scheme ? "0x" + hex : hex);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
