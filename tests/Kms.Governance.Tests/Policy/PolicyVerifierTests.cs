using System.Text;
using System.Text.Json.Nodes;
using Kms.Crypto.Ed25519;
using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Policy;

public sealed class PolicyVerifierTests
{
    private readonly PolicyVerifier _twoOfThree = new(EdSet(2, 0, 1, 2));

    [Fact]
    public void TwoOfThree_Accepted()
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(5, 0, 2), "payments", currentSerial: 4);

        Assert.True(result.IsAccepted, result.Message);
        Assert.Null(result.Reason);
        Assert.Equal(5, result.Policy!.Serial);
        Assert.Equal("payments", result.Policy.Namespace);
        Assert.Equal(2, result.ValidSigners.Count);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void NoCurrentPolicy_AcceptsAnySerial()
    {
        Assert.True(_twoOfThree.Verify(SignedEd(1, 0, 1), "payments", currentSerial: null).IsAccepted);
    }

    [Fact]
    public void BelowThreshold_RejectedWithCount()
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(5, 1), "payments", null);

        Assert.False(result.IsAccepted);
        Assert.Null(result.Policy);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, result.Reason);
        Assert.Contains("1 of the required 2", result.Message, StringComparison.Ordinal);
        Assert.Throws<PolicyRejectedException>(() => _twoOfThree.VerifyOrThrow(SignedEd(5, 1), "payments", null));
    }

    [Fact]
    public void NoSignatures_BelowThreshold()
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(5), "payments", null);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, result.Reason);
        Assert.Contains("0 of the required 2", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateSigner_CountsOnce()
    {
        PolicyVerificationResult twice = _twoOfThree.Verify(SignedEd(5, 0, 0), "payments", null);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, twice.Reason);
        Assert.Single(twice.ValidSigners);
        PolicySignatureIssue issue = Assert.Single(twice.Issues);
        Assert.Equal(PolicySignatureIssueKind.DuplicateSigner, issue.Kind);
        Assert.Equal(1, issue.Index);

        PolicyVerificationResult thrice = _twoOfThree.Verify(SignedEd(5, 0, 0, 0), "payments", null);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, thrice.Reason);

        PolicyVerificationResult withSecond = _twoOfThree.Verify(SignedEd(5, 0, 0, 1), "payments", null);
        Assert.True(withSecond.IsAccepted, withSecond.Message);
        Assert.Equal(2, withSecond.ValidSigners.Count);
        Assert.Contains(withSecond.Issues, i => i.Kind == PolicySignatureIssueKind.DuplicateSigner);
    }

    [Fact]
    public void DuplicateSigner_DifferentHexCase_IsStillTheSameSigner()
    {
        byte[] body = CanonicalBody(5);
        using Ed25519PrivateKey key = Ed(0);
        PolicySignatureEntry entry = SignedPolicyBuilder.SignEd25519(body, key);
        string envelope = Encoding.UTF8.GetString(SignedPolicyBuilder.Assemble(body, [entry, entry]));
        int second = envelope.LastIndexOf(key.PublicKey.ToHex(), StringComparison.Ordinal);
        envelope = envelope[..second] + key.PublicKey.ToHex().ToUpperInvariant() + envelope[(second + 64)..];

        PolicyVerificationResult result = _twoOfThree.Verify(Encoding.UTF8.GetBytes(envelope), "payments", null);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, result.Reason);
        Assert.Contains(result.Issues, i => i.Kind == PolicySignatureIssueKind.DuplicateSigner);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5, 6)]
    [InlineData(1, 9_007_199_254_740_991)]
    public void SerialNotIncreasing_Rejected(long serial, long current)
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(serial, 0, 1), "payments", current);

        Assert.False(result.IsAccepted);
        Assert.Equal(PolicyRejectionReason.SerialNotIncreasing, result.Reason);
        Assert.Contains($"serial {serial} is not greater than the current serial {current}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedBody_Rejected()
    {
        JsonNode envelope = JsonNode.Parse(SignedEd(5, 0, 1))!;
        envelope["policy"]!["mayReplicate"]!.AsArray().Add(Identity2);

        PolicyVerificationResult result = _twoOfThree.Verify(Encoding.UTF8.GetBytes(envelope.ToJsonString()), "payments", null);

        Assert.Equal(PolicyRejectionReason.TamperedBody, result.Reason);
        Assert.Equal(2, result.Issues.Count(i => i.Kind == PolicySignatureIssueKind.BadSignature));
        Assert.Null(result.Policy);
    }

    [Fact]
    public void TamperedSerial_Rejected()
    {
        string envelope = Encoding.UTF8.GetString(SignedEd(5, 0, 1)).Replace("\"serial\":5", "\"serial\":6", StringComparison.Ordinal);
        Assert.Equal(PolicyRejectionReason.TamperedBody, _twoOfThree.Verify(Encoding.UTF8.GetBytes(envelope), "payments", null).Reason);
    }

    [Fact]
    public void ReformattedBody_SameCanonicalBytes_Accepted()
    {
        // Signatures cover the canonical form, so member order and whitespace in transit do not matter.
        byte[] canonical = CanonicalBody(5);
        using Ed25519PrivateKey a = Ed(0);
        using Ed25519PrivateKey b = Ed(1);
        PolicySignatureEntry[] entries = [SignedPolicyBuilder.SignEd25519(canonical, a), SignedPolicyBuilder.SignEd25519(canonical, b)];
        string signatures = Encoding.UTF8.GetString(SignedPolicyBuilder.Assemble(canonical, entries));
        signatures = signatures[signatures.IndexOf("\"signatures\"", StringComparison.Ordinal)..];
        string envelope = "{\n  " + signatures.TrimEnd('}') + ",\n  \"policy\": " + Body(5) + "\n}";

        PolicyVerificationResult result = _twoOfThree.Verify(Encoding.UTF8.GetBytes(envelope), "payments", 4);
        Assert.True(result.IsAccepted, result.Message);
        Assert.Equal(canonical, result.CanonicalBody);
    }

    [Fact]
    public void UnknownSigner_NeverCounts()
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(5, 0, 7), "payments", null);

        Assert.Equal(PolicyRejectionReason.BelowThreshold, result.Reason);
        PolicySignatureIssue issue = Assert.Single(result.Issues);
        Assert.Equal(PolicySignatureIssueKind.UnknownSigner, issue.Kind);
        Assert.Contains("UnknownSigner", result.Message, StringComparison.Ordinal);

        PolicyVerificationResult enough = _twoOfThree.Verify(SignedEd(5, 7, 0, 1), "payments", null);
        Assert.True(enough.IsAccepted, enough.Message);
        Assert.Contains(enough.Issues, i => i.Kind == PolicySignatureIssueKind.UnknownSigner);
    }

    [Fact]
    public void BadSignatureByConfiguredSigner_RejectedNamingIt()
    {
        byte[] body = CanonicalBody(5);
        using Ed25519PrivateKey a = Ed(0);
        using Ed25519PrivateKey b = Ed(1);
        using Ed25519PrivateKey c = Ed(2);
        PolicySignatureEntry wrong = SignedPolicyBuilder.SignEd25519(CanonicalBody(6), c) with { };
        byte[] envelope = SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignEd25519(body, a), SignedPolicyBuilder.SignEd25519(body, b), wrong]);

        PolicyVerificationResult result = _twoOfThree.Verify(envelope, "payments", null);

        Assert.Equal(PolicyRejectionReason.BadSignature, result.Reason);
        Assert.Contains(PolicySigner.ForEd25519(c.PublicKey).ToString(), result.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(result.Issues).Index);
    }

    [Fact]
    public void SignatureWithoutDomainPrefix_IsBad()
    {
        byte[] body = CanonicalBody(5);
        using Ed25519PrivateKey a = Ed(0);
        using Ed25519PrivateKey b = Ed(1);
        PolicySignatureEntry raw = new(-1, PolicySigner.ForEd25519(b.PublicKey), b.Sign(body));
        byte[] envelope = SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignEd25519(body, a), raw]);

        Assert.Equal(PolicyRejectionReason.BadSignature, _twoOfThree.Verify(envelope, "payments", null).Reason);
    }

    [Fact]
    public void MixedSchemes_Accepted()
    {
        using Ed25519PrivateKey ed = Ed(0);
        var signers = new PolicySignerSet(
            [PolicySigner.ForEd25519(ed.PublicKey), PolicySigner.ForEthereumAccount(EthereumAddress.FromPrivateKey(EthKey0)),
             PolicySigner.ForEthereumAccount(EthereumAddress.FromPrivateKey(EthKey1))],
            threshold: 2);
        var verifier = new PolicyVerifier(signers);
        byte[] body = CanonicalBody(3);

        byte[] mixed = SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignEd25519(body, ed), SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey1)]);
        PolicyVerificationResult result = verifier.Verify(mixed, "payments", 2);
        Assert.True(result.IsAccepted, result.Message);
        Assert.Contains(result.ValidSigners, s => s.Scheme == PolicySigner.Secp256k1Eip191Scheme);

        byte[] ethOnly = SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey0), SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey0)]);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, verifier.Verify(ethOnly, "payments", 2).Reason);

        // An EIP-191 signature over another body recovers another address: that is a bad signature by the claimed signer.
        byte[] forged = SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignEd25519(body, ed), SignedPolicyBuilder.SignSecp256k1Eip191(CanonicalBody(4), EthKey1) with { }]);
        string forgedText = Encoding.UTF8.GetString(forged);
        Assert.Equal(PolicyRejectionReason.BadSignature, verifier.Verify(Encoding.UTF8.GetBytes(forgedText), "payments", 2).Reason);
    }

    [Fact]
    public void Secp256k1Signer_ChecksummedAddressInEnvelope_Accepted()
    {
        EthereumAddress address = EthereumAddress.FromPrivateKey(EthKey1);
        var verifier = new PolicyVerifier(new PolicySignerSet([PolicySigner.ForEthereumAccount(address)], 1));
        byte[] body = CanonicalBody(3);
        string envelope = Encoding.UTF8.GetString(SignedPolicyBuilder.Assemble(body, [SignedPolicyBuilder.SignSecp256k1Eip191(body, EthKey1)]))
            .Replace(address.ToLowerHexString(), address.ToChecksumString(), StringComparison.Ordinal);

        Assert.True(verifier.Verify(Encoding.UTF8.GetBytes(envelope), "payments", null).IsAccepted);

        string badChecksum = envelope.Replace(address.ToChecksumString(), "0x" + address.ToChecksumString()[2..].Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).Aggregate(string.Empty, (s, c) => s + c), StringComparison.Ordinal);
        Assert.Equal(PolicyRejectionReason.Malformed, verifier.Verify(Encoding.UTF8.GetBytes(badChecksum), "payments", null).Reason);
    }

    [Fact]
    public void NamespaceMismatch_Rejected()
    {
        PolicyVerificationResult result = _twoOfThree.Verify(SignedEd(5, 0, 1), "billing", null);
        Assert.Equal(PolicyRejectionReason.NamespaceMismatch, result.Reason);
    }

    [Fact]
    public void SignerSet_RejectsBadConfiguration()
    {
        using Ed25519PrivateKey a = Ed(0);
        PolicySigner signer = PolicySigner.ForEd25519(a.PublicKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PolicySignerSet([signer], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PolicySignerSet([signer], 2));
        Assert.Throws<ArgumentException>(() => new PolicySignerSet([signer, signer], 1));
        Assert.Throws<ArgumentException>(() => new PolicySignerSet([], 1));
    }
}
