using System.Text;
using Kms.Crypto.Ed25519;
using Kms.Governance.Policy;

namespace Kms.Governance.Tests.Policy;

/// <summary>Deterministic throwaway test keys and policy bodies.</summary>
internal static class PolicyTestKeys
{
    // anvil's first two dev accounts (public test keys).
    public static readonly byte[] EthKey0 = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    public static readonly byte[] EthKey1 = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    public const string Identity1 = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string Identity2 = "2222222222222222222222222222222222222222222222222222222222222222";
    public const string ConfigHash1 = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0";

    public static Ed25519PrivateKey Ed(int index) => Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)(0xA0 + index), 32).ToArray());

    public static string Body(long serial, string ns = "payments", string extra = "") => $$"""
        {
          "version": 1,
          "namespace": "{{ns}}",
          "serial": {{serial}},
          "identities": [
            { "identity": "{{Identity1}}", "configHash": "{{ConfigHash1}}" },
            { "identity": "{{Identity2}}", "notAfter": 1800000000 }
          ],
          "operators": ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"],
          "keyAccess": { "app-key": ["{{Identity1}}"], "disk": ["{{Identity1}}", "{{Identity2}}"] },
          "mayReplicate": ["{{Identity1}}"]{{extra}}
        }
        """;

    public static byte[] CanonicalBody(long serial, string ns = "payments") =>
        SignedPolicyBuilder.CanonicalizeBody(Encoding.UTF8.GetBytes(Body(serial, ns)));

    /// <summary>Signs serial <paramref name="serial"/> with the given Ed25519 key indexes.</summary>
    public static byte[] SignedEd(long serial, params int[] signers)
    {
        byte[] body = CanonicalBody(serial);
        var entries = new List<PolicySignatureEntry>();
        foreach (int index in signers)
        {
            using Ed25519PrivateKey key = Ed(index);
            entries.Add(SignedPolicyBuilder.SignEd25519(body, key));
        }

        return SignedPolicyBuilder.Assemble(body, entries);
    }

    public static PolicySignerSet EdSet(int threshold, params int[] indexes) =>
        new(indexes.Select(i =>
        {
            using Ed25519PrivateKey key = Ed(i);
            return PolicySigner.ForEd25519(key.PublicKey);
        }), threshold);
}
