using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Tests.Shared;

namespace Kms.Crypto.Tests.Ethereum;

/// <summary>Cross-checks against foundry's <c>cast</c>, an independent implementation.</summary>
public sealed class CastInteropTests
{
    private static readonly string[] s_messages = ["hello world", "", "Some data", "ünïcödé ✓", new string('x', 1000)];

    [RequiresCastFact]
    public void Eip191Signature_EqualsCast_AndCastVerifiesOurs()
    {
        var random = new Random(7);
        for (int i = 0; i < s_messages.Length; i++)
        {
            byte[] key = new byte[32];
            random.NextBytes(key);
            key[0] &= 0x7f; // stays below n
            key[31] |= 1;
            string keyHex = "0x" + Convert.ToHexStringLower(key);
            string message = s_messages[i];

            byte[] ours = Eip191.SignPersonalMessage(Encoding.UTF8.GetBytes(message), key);
            string castSignature = FoundryTools.Run("cast", "wallet", "sign", "--private-key", keyHex, message);
            Assert.Equal(castSignature, "0x" + Convert.ToHexStringLower(ours));

            string address = FoundryTools.Run("cast", "wallet", "address", "--private-key", keyHex);
            Assert.Equal(address, EthereumAddress.FromPrivateKey(key).ToString());

            // cast exits non-zero when the signature does not verify.
            FoundryTools.Run("cast", "wallet", "verify", "--address", address, message, "0x" + Convert.ToHexStringLower(ours));
            Assert.Equal(EthereumAddress.Parse(address), Eip191.RecoverPersonalMessageSigner(Encoding.UTF8.GetBytes(message), Convert.FromHexString(castSignature[2..])));
        }
    }

    [RequiresCastFact]
    public void Keccak_EqualsCast()
    {
        foreach (string message in s_messages)
        {
            string castHash = FoundryTools.Run("cast", "keccak", message);
            Assert.Equal(castHash, "0x" + Convert.ToHexStringLower(Keccak256.HashData(Encoding.UTF8.GetBytes(message))));
        }
    }

    [RequiresCastFact]
    public void CastVerify_RejectsATamperedSignature()
    {
        byte[] signature = Eip191.SignPersonalMessage("hello"u8, Secp256k1Tests.s_web3Key);
        string address = EthereumAddress.FromPrivateKey(Secp256k1Tests.s_web3Key).ToString();
        Assert.Throws<InvalidOperationException>(() => FoundryTools.Run("cast", "wallet", "verify", "--address", address, "hellO", "0x" + Convert.ToHexStringLower(signature)));
        Assert.False(Eip191.Verify("hellO"u8, signature, EthereumAddress.Parse(address)));
        Assert.True(Eip191.Verify("hello"u8, signature, EthereumAddress.Parse(address)));
    }
}
