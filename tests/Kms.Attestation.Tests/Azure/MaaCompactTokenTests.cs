using System.Text;
using Kms.Attestation.Azure;

namespace Kms.Attestation.Tests.Azure;

/// <summary>The compact-JWS decoder the MAA verifier uses instead of a JWT library: strict, typed failures, one parse.</summary>
public sealed class MaaCompactTokenTests
{
    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void DecodesHeaderPayloadAndSignature()
    {
        using MaaCompactToken token = MaaCompactToken.Parse($" {B64("{\"alg\":\"RS256\",\"kid\":\"k\"}")}.{B64("{\"iss\":\"x\"}")}.AQID \n");
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("k", token.Kid);
        Assert.False(token.HasCrit);
        Assert.Equal("{\"iss\":\"x\"}", token.PayloadJson);
        Assert.Equal(new byte[] { 1, 2, 3 }, token.Signature);
    }

    [Theory]
    [InlineData("{\"alg\":\"RS256\",\"alg\":\"none\"}", "{}")] // a duplicate header member
    [InlineData("{\"alg\":\"RS256\"}", "{\"iss\":\"a\",\"iss\":\"b\"}")] // a duplicate claim
    [InlineData("{\"alg\":\"\\uD800\"}", "{}")] // an escape that is no UTF-16 string
    [InlineData("[]", "{}")]
    [InlineData("{\"alg\":\"RS256\"}", "[]")]
    [InlineData("{\"alg\":\"RS256\"}", "not json")]
    public void RefusesAmbiguousOrMalformedJson(string header, string payload)
    {
        AttestationException e = Assert.Throws<AttestationException>(() => MaaCompactToken.Parse($"{B64(header)}.{B64(payload)}.AQID"));
        Assert.Equal(AttestationFailureKind.Malformed, e.Kind);
    }

    [Fact]
    public void RandomInputsFailWithTypedErrorsOnly()
    {
        string valid = $"{B64("{\"alg\":\"RS256\",\"kid\":\"k\"}")}.{B64("{\"iss\":\"x\",\"n\":[1,2,{\"a\":null}]}")}.AQID";
        Random random = new(16);
        const string alphabet = "ABCxyz019-_.=+/\\\"{}";
        for (int i = 0; i < 3000; i++)
        {
            char[] chars = valid.ToCharArray();
            for (int j = random.Next(1, 4); j > 0; j--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            string mutated = random.Next(4) == 0 ? new string(chars, 0, random.Next(chars.Length)) : new string(chars);
            try
            {
                using MaaCompactToken _ = MaaCompactToken.Parse(mutated);
            }
            catch (AttestationException)
            {
            }
        }

        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => MaaCompactToken.Parse(new string('a', MaaCompactToken.MaxTokenLength + 1))).Kind);
    }

    [Fact]
    public void TheByteFormParsesLikeTheStringForm()
    {
        string text = $"{B64("{\"alg\":\"RS256\",\"kid\":\"k\"}")}.{B64("{\"iss\":\"x\"}")}.AQID";
        using MaaCompactToken token = MaaCompactToken.Parse(Encoding.ASCII.GetBytes("\r\n " + text + "\t\n"));
        Assert.Equal("k", token.Kid);
        Assert.Equal("{\"iss\":\"x\"}", token.PayloadJson);
        Assert.Equal(new byte[] { 1, 2, 3 }, token.Signature);

        // Outside ASCII nothing is a compact JWS: a UTF-8 letter, a lone continuation byte, a NUL-free but 8-bit byte.
        foreach (byte[] bad in new[] { Encoding.UTF8.GetBytes("é" + text), [.. Encoding.ASCII.GetBytes(text), 0x80], [0xFF, 0x2E, 0x2E] })
        {
            Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => MaaCompactToken.Parse(bad)).Kind);
        }

        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => MaaCompactToken.Parse(new byte[MaaCompactToken.MaxTokenLength + 1])).Kind);
    }

    [Fact]
    public void RandomBytesFailWithTypedErrorsOnly()
    {
        byte[] valid = Encoding.ASCII.GetBytes($"{B64("{\"alg\":\"RS256\",\"kid\":\"k\"}")}.{B64("{\"iss\":\"x\",\"n\":[1,2,{\"a\":null}]}")}.AQID");
        Random random = new(17);
        for (int i = 0; i < 3000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            for (int j = random.Next(1, 4); j > 0; j--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            try
            {
                using MaaCompactToken _ = MaaCompactToken.Parse(mutated.AsSpan(0, random.Next(4) == 0 ? random.Next(mutated.Length) : mutated.Length));
            }
            catch (AttestationException)
            {
            }
        }
    }
}
