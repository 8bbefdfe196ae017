using System.Text.Json;
using Kms.Governance.Canonical;

namespace Kms.Governance.Policy;

/// <summary>One entry of the <c>signatures</c> array of a signed envelope.</summary>
/// <param name="Index">Position in the array (for error reports).</param>
/// <param name="Signer">The claimed signer.</param>
/// <param name="Signature">The signature bytes (64 for ed25519, 65 = r ‖ s ‖ v for secp256k1-eip191).</param>
public sealed record PolicySignatureEntry(int Index, PolicySigner Signer, byte[] Signature);

/// <summary>
/// A parsed signed envelope <c>{"policy": {...}, "signatures": [{"scheme","signer","signature"}...]}</c>:
/// the policy body, its canonical bytes and the (not yet verified) signatures.
/// </summary>
public sealed class SignedPolicyEnvelope
{
    /// <summary>The largest envelope accepted, in bytes.</summary>
    public const int MaxEnvelopeBytes = 1 << 20;

    /// <summary>The most signatures an envelope may carry (bounds verification work).</summary>
    public const int MaxSignatures = 64;

    private static readonly HashSet<string> s_envelopeMembers = ["policy", "signatures"];
    private static readonly HashSet<string> s_signatureMembers = ["scheme", "signer", "signature"];

    private SignedPolicyEnvelope(NamespacePolicy policy, byte[] canonicalBody, IReadOnlyList<PolicySignatureEntry> signatures)
    {
        Policy = policy;
        CanonicalBody = canonicalBody;
        Signatures = signatures;
    }

    /// <summary>The parsed (unverified) policy body.</summary>
    public NamespacePolicy Policy { get; }

    /// <summary>The RFC 8785 canonical bytes of the body: what the signatures cover (after the domain prefix).</summary>
    public byte[] CanonicalBody { get; }

    /// <summary>The signatures as found in the envelope.</summary>
    public IReadOnlyList<PolicySignatureEntry> Signatures { get; }

    /// <summary>Parses an envelope from UTF-8 JSON.</summary>
    /// <exception cref="PolicyFormatException">The envelope is not I-JSON or does not follow the schema.</exception>
    public static SignedPolicyEnvelope Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxEnvelopeBytes)
        {
            throw new PolicyFormatException($"The envelope is larger than {MaxEnvelopeBytes} bytes.");
        }

        byte[] canonicalEnvelope;
        try
        {
            // Canonicalizing first enforces I-JSON (no duplicate names, no lone surrogates) on the whole envelope.
            canonicalEnvelope = JsonCanonicalizer.Canonicalize(utf8Json, maxDepth: 16);
        }
        catch (JsonCanonicalizationException ex)
        {
            throw new PolicyFormatException($"The envelope is not valid I-JSON ({ex.Error}): {ex.Message}", ex);
        }

        using JsonDocument document = JsonDocument.Parse(canonicalEnvelope);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException("The envelope must be a JSON object.");
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!s_envelopeMembers.Contains(property.Name))
            {
                throw new PolicyFormatException("The envelope has a member other than \"policy\" and \"signatures\".");
            }
        }

        if (!root.TryGetProperty("policy", out JsonElement body))
        {
            throw new PolicyFormatException("The envelope has no \"policy\" member.");
        }

        NamespacePolicy policy = NamespacePolicyParser.Parse(body);
        byte[] canonicalBody = JsonCanonicalizer.Canonicalize(body);

        if (!root.TryGetProperty("signatures", out JsonElement signaturesElement) || signaturesElement.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFormatException("The envelope must have a \"signatures\" array.");
        }

        int count = signaturesElement.GetArrayLength();
        if (count > MaxSignatures)
        {
            throw new PolicyFormatException($"The envelope carries {count} signatures; at most {MaxSignatures} are accepted.");
        }

        var signatures = new List<PolicySignatureEntry>(count);
        int index = 0;
        foreach (JsonElement item in signaturesElement.EnumerateArray())
        {
            signatures.Add(ReadSignature(item, index++));
        }

        return new SignedPolicyEnvelope(policy, canonicalBody, signatures);
    }

    private static PolicySignatureEntry ReadSignature(JsonElement item, int index)
    {
        string path = $"signatures[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException($"{path} must be an object.");
        }

        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (!s_signatureMembers.Contains(property.Name))
            {
                throw new PolicyFormatException($"{path} has a member other than scheme, signer and signature.");
            }
        }

        string scheme = ReadString(item, "scheme", path);
        string signerText = ReadString(item, "signer", path);
        string signatureText = ReadString(item, "signature", path);

        PolicySigner signer;
        try
        {
            signer = PolicySigner.Parse(scheme, signerText);
        }
        catch (PolicyFormatException ex)
        {
            throw new PolicyFormatException($"{path}: {ex.Message}", ex);
        }

        int size = PolicySigner.SignatureSize(scheme);
        string hex = signatureText.StartsWith("0x", StringComparison.Ordinal) ? signatureText[2..] : signatureText;
        if (hex.Length != size * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new PolicyFormatException($"{path}.signature must be {size} bytes of hex for {scheme}.");
        }

        return new PolicySignatureEntry(index, signer, Convert.FromHexString(hex));
    }

    private static string ReadString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String)
        {
            throw new PolicyFormatException($"{path}.{name} must be a string.");
        }

        return value.GetString()!;
    }
}
