namespace Kms.Governance.Policy;

/// <summary>
/// What a policy signer signs: the ASCII domain string <c>"Orleans.Kms policy v1\n"</c> followed by the RFC 8785
/// canonical JSON of the policy body. The prefix keeps a policy signature from being valid for any other
/// message an admin key signs (and vice versa). For <c>ed25519</c> the message is signed as is (pure Ed25519);
/// for <c>secp256k1-eip191</c> it is signed as an EIP-191 personal message (what <c>cast wallet sign</c> does).
/// </summary>
public static class PolicySigningMessage
{
    /// <summary>The domain-separation prefix.</summary>
    public static ReadOnlySpan<byte> Domain => "Orleans.Kms policy v1\n"u8;

    /// <summary>Domain ‖ canonical body.</summary>
    public static byte[] Create(ReadOnlySpan<byte> canonicalBody)
    {
        byte[] message = new byte[Domain.Length + canonicalBody.Length];
        Domain.CopyTo(message);
        canonicalBody.CopyTo(message.AsSpan(Domain.Length));
        return message;
    }
}
