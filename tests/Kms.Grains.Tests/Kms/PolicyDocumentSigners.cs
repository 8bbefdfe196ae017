using System.Text;
using Kms.Crypto.Ed25519;
using Kms.Governance.Policy;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Tests.Kms;

/// <summary>Three Ed25519 policy signers (2 of 3) and signed policy documents for a namespace.</summary>
internal sealed class PolicyDocumentSigners : IDisposable
{
    private readonly Ed25519PrivateKey[] _keys = [Ed25519PrivateKey.Generate(), Ed25519PrivateKey.Generate(), Ed25519PrivateKey.Generate()];

    public PolicySigners Set(int threshold = 2) =>
        new([.. _keys.Select(k => new PolicySignerId(PolicySigner.Ed25519Scheme, k.PublicKey.ToHex()))], threshold);

    /// <summary>The body of a document admitting <paramref name="identities"/> (identity, optional notAfter).</summary>
    public static string Body(string @namespace, long serial, params (string Identity, long? NotAfter)[] identities)
    {
        string entries = string.Join(",", identities.Select(i =>
            i.NotAfter is long notAfter ? $$"""{"identity":"{{i.Identity}}","notAfter":{{notAfter}}}""" : $$"""{"identity":"{{i.Identity}}"}"""));
        return $$"""{"version":1,"namespace":"{{@namespace}}","serial":{{serial}},"identities":[{{entries}}]}""";
    }

    /// <summary>The body signed by the signers at <paramref name="signerIndexes"/>.</summary>
    public byte[] Sign(string body, params int[] signerIndexes)
    {
        byte[] canonical = SignedPolicyBuilder.CanonicalizeBody(Encoding.UTF8.GetBytes(body));
        return SignedPolicyBuilder.Assemble(canonical, signerIndexes.Select(i => SignedPolicyBuilder.SignEd25519(canonical, _keys[i])));
    }

    public byte[] Document(string @namespace, long serial, params string[] identities) =>
        Sign(Body(@namespace, serial, [.. identities.Select(i => (i, (long?)null))]), 0, 2);

    public void Dispose()
    {
        foreach (Ed25519PrivateKey key in _keys)
        {
            key.Dispose();
        }
    }
}
