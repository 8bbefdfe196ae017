using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Tests.Contracts;
using Kms.Tests.Shared;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Policy;

/// <summary>A governance admin signs with an ordinary Ethereum wallet (here foundry's cast, an independent client).</summary>
public sealed class PolicyCastInteropTests
{
    [RequiresCastFact]
    public void CastPersonalSignature_OverPolicyMessage_IsAccepted()
    {
        byte[] body = CanonicalBody(9);
        string message = Encoding.UTF8.GetString(PolicySigningMessage.Create(body));
        string castSignature = Foundry.RunCast("wallet", "sign", "--private-key", "0x" + Convert.ToHexStringLower(EthKey1), message);

        var signer = PolicySigner.ForEthereumAccount(EthereumAddress.FromPrivateKey(EthKey1));
        var entry = new PolicySignatureEntry(-1, signer, Convert.FromHexString(castSignature[2..]));
        var verifier = new PolicyVerifier(new PolicySignerSet([signer], 1));

        PolicyVerificationResult result = verifier.Verify(SignedPolicyBuilder.Assemble(body, [entry]), "payments", 8);
        Assert.True(result.IsAccepted, result.Message);

        // Our own EIP-191 signer produces the same deterministic (RFC 6979) signature.
        Assert.Equal(castSignature, "0x" + Convert.ToHexStringLower(SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey1).Signature));
    }

    [RequiresCastFact]
    public void OurPolicySignature_VerifiesWithCast()
    {
        byte[] body = CanonicalBody(10);
        PolicySignatureEntry entry = SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey0);
        string message = Encoding.UTF8.GetString(PolicySigningMessage.Create(body));
        string address = EthereumAddress.FromPrivateKey(EthKey0).ToChecksumString();

        string output = Foundry.RunCast("wallet", "verify", "--address", address, message, "0x" + Convert.ToHexStringLower(entry.Signature));
        Assert.Contains("Validation succeeded", output, StringComparison.Ordinal);
    }
}
