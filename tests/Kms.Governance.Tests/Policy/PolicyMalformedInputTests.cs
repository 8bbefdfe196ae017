using System.Text;
using System.Text.Json.Nodes;
using Kms.Governance.Policy;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Policy;

public sealed class PolicyMalformedInputTests
{
    private readonly PolicyVerifier _verifier = new(EdSet(2, 0, 1, 2));

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"policy\":{}}")]
    [InlineData("{\"signatures\":[]}")]
    [InlineData("not json")]
    [InlineData("{\"policy\":1,\"signatures\":[]}")]
    public void BrokenEnvelopes_AreMalformed(string envelope)
    {
        AssertMalformed(Encoding.UTF8.GetBytes(envelope));
    }

    [Theory]
    [InlineData("serial", "1.5")]
    [InlineData("serial", "1e300")]
    [InlineData("serial", "-1")]
    [InlineData("serial", "0")]
    [InlineData("serial", "9007199254740992")]
    [InlineData("serial", "\"5\"")]
    [InlineData("version", "2")]
    [InlineData("namespace", "\"Payments\"")]
    [InlineData("namespace", "\"\"")]
    [InlineData("namespace", "\"a/b\"")]
    [InlineData("operators", "[\"x\",\"x\"]")]
    [InlineData("operators", "[\"\"]")]
    [InlineData("operators", "[1]")]
    [InlineData("mayReplicate", "[\"1111111111111111111111111111111111111111111111111111111111111111\",\"1111111111111111111111111111111111111111111111111111111111111111\"]")]
    [InlineData("mayReplicate", "[\"AAAA111111111111111111111111111111111111111111111111111111111111\"]")]
    [InlineData("mayReplicate", "[\"11\"]")]
    [InlineData("keyAccess", "[]")]
    [InlineData("keyAccess", "{\"k\":[\"zz\"]}")]
    [InlineData("identities", "[{\"identity\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"notAfter\":1.5}]")]
    [InlineData("identities", "[{\"identity\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"extra\":1}]")]
    [InlineData("identities", "[{\"configHash\":\"1111111111111111111111111111111111111111111111111111111111111111\"}]")]
    [InlineData("identities", "[{\"identity\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"configHash\":\"11\"}]")]
    [InlineData("unknownMember", "true")]
    public void SchemaViolations_AreMalformed(string member, string rawValue)
    {
        JsonObject body = JsonNode.Parse(Body(5))!.AsObject();
        body[member] = JsonNode.Parse(rawValue);
        string bodyText = body.ToJsonString();

        Assert.Throws<PolicyFormatException>(() => SignedPolicyBuilder.CanonicalizeBody(Encoding.UTF8.GetBytes(bodyText)));
        string envelope = "{\"policy\":" + bodyText + ",\"signatures\":[]}";
        AssertMalformed(Encoding.UTF8.GetBytes(envelope));
    }

    [Fact]
    public void MissingRequiredMembers_AreMalformed()
    {
        foreach (string member in new[] { "version", "namespace", "serial" })
        {
            JsonObject body = JsonNode.Parse(Body(5))!.AsObject();
            body.Remove(member);
            AssertMalformed(Encoding.UTF8.GetBytes("{\"policy\":" + body.ToJsonString() + ",\"signatures\":[]}"));
        }
    }

    [Fact]
    public void DuplicateMembers_AreMalformed()
    {
        string envelope = Encoding.UTF8.GetString(SignedEd(5, 0, 1));
        AssertMalformed(Encoding.UTF8.GetBytes(envelope.Replace("\"serial\":5", "\"serial\":5,\"serial\":6", StringComparison.Ordinal)));
        AssertMalformed(Encoding.UTF8.GetBytes(envelope.Replace("{\"policy\":", "{\"signatures\":[],\"policy\":", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("scheme", "\"ed448\"")]
    [InlineData("scheme", "1")]
    [InlineData("signer", "\"00\"")]
    [InlineData("signer", "\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"")]
    [InlineData("signature", "\"00\"")]
    [InlineData("signature", "\"zz\"")]
    [InlineData("extra", "\"x\"")]
    public void BadSignatureEntries_AreMalformed(string member, string rawValue)
    {
        JsonObject envelope = JsonNode.Parse(SignedEd(5, 0, 1))!.AsObject();
        envelope["signatures"]![0]![member] = JsonNode.Parse(rawValue);
        AssertMalformed(Encoding.UTF8.GetBytes(envelope.ToJsonString()));
    }

    [Fact]
    public void TooManySignatures_AreMalformed()
    {
        int[] signers = Enumerable.Repeat(0, SignedPolicyEnvelope.MaxSignatures + 1).ToArray();
        AssertMalformed(SignedEd(5, signers));
    }

    [Fact]
    public void MutatedEnvelopes_NeverAcceptAnotherBody()
    {
        byte[] valid = SignedEd(5, 0, 1);
        byte[] canonical = CanonicalBody(5);
        var random = new Random(191);
        for (int i = 0; i < 1_500; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            switch (random.Next(3))
            {
                case 0:
                    mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    mutated = mutated[..random.Next(mutated.Length)];
                    break;
                default:
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    break;
            }

            PolicyVerificationResult result = _verifier.Verify(mutated, "payments", null);
            if (result.IsAccepted)
            {
                // Only mutations that leave the signed canonical body and two good signatures intact may pass
                // (for example a hex digit of a signature changing case).
                Assert.Equal(canonical, result.CanonicalBody);
            }
            else
            {
                Assert.NotNull(result.Reason);
                Assert.False(string.IsNullOrEmpty(result.Message));
            }
        }
    }

    private void AssertMalformed(byte[] envelope)
    {
        PolicyVerificationResult result = _verifier.Verify(envelope, "payments", null);
        Assert.False(result.IsAccepted);
        Assert.True(result.Reason == PolicyRejectionReason.Malformed, $"{result.Reason}: {result.Message}");
    }
}
