using System.Text;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// EIP-191 version 0x45 "personal" messages: keccak256("\x19Ethereum Signed Message:\n" ‖ decimal length ‖ message),
/// signed with secp256k1 and encoded R‖S‖V with V ∈ {27, 28} (as <c>personal_sign</c>, <c>eth_sign</c> and
/// <c>cast wallet sign</c> produce them).
/// </summary>
public static class Eip191
{
    private static readonly byte[] s_prefix = Encoding.ASCII.GetBytes("\u0019Ethereum Signed Message:\n");

    /// <summary>The 32-byte digest of a personal message.</summary>
    public static byte[] HashPersonalMessage(ReadOnlySpan<byte> message)
    {
        byte[] length = Encoding.ASCII.GetBytes(message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        byte[] preimage = new byte[s_prefix.Length + length.Length + message.Length];
        s_prefix.CopyTo(preimage, 0);
        length.CopyTo(preimage, s_prefix.Length);
        message.CopyTo(preimage.AsSpan(s_prefix.Length + length.Length));
        return Keccak256.HashData(preimage);
    }

    /// <summary>Signs a personal message; returns the 65-byte signature with V ∈ {27, 28}.</summary>
    public static byte[] SignPersonalMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> privateKey) =>
        Secp256k1.Sign(HashPersonalMessage(message), privateKey).ToRecoverableBytes(vOffset: 27);

    /// <summary>
    /// Recovers the signer of a personal message. V may be 27/28 (standard) or 0/1 (some wallets);
    /// high-s signatures are refused (every conforming signer produces low s).
    /// </summary>
    /// <exception cref="Secp256k1Exception">The signature is malformed or does not recover.</exception>
    public static EthereumAddress RecoverPersonalMessageSigner(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Secp256k1Signature.RecoverableLength)
        {
            throw new Secp256k1Exception($"A recoverable signature is {Secp256k1Signature.RecoverableLength} bytes, got {signature.Length}.");
        }

        int vOffset = signature[64] >= 27 ? 27 : 0;
        Secp256k1Signature parsed = Secp256k1Signature.FromRecoverableBytes(signature, vOffset);
        byte[] publicKey = Secp256k1.RecoverPublicKey(HashPersonalMessage(message), parsed, requireLowS: true);
        return EthereumAddress.FromPublicKey(publicKey);
    }

    /// <summary>Whether <paramref name="signature"/> is a valid personal-message signature of <paramref name="expectedSigner"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, EthereumAddress expectedSigner)
    {
        try
        {
            return RecoverPersonalMessageSigner(message, signature) == expectedSigner;
        }
        catch (Secp256k1Exception)
        {
            return false;
        }
    }
}
