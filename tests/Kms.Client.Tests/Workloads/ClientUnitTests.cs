using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Kms.Client.Workloads;
using Kms.Crypto.Hpke;
using Kms.Crypto.Rsa;

namespace Kms.Client.Tests.Workloads;

/// <summary>The client's parts without a silo: contracts, problem parsing, recipient keys, options.</summary>
public sealed class ClientUnitTests
{
    [Fact]
    public void ClientContracts_MatchTheApiRecords_MemberByMember()
    {
        Type[] clientTypes = typeof(KmsWorkloadClient).Assembly.GetTypes()
            .Where(t => t.Namespace == "Kms.Client.Workloads" && t.Name.EndsWith("Body", StringComparison.Ordinal)).ToArray();
        Assert.True(clientTypes.Length >= 12);
        Assembly api = typeof(Kms.Api.V1.ChallengeBody).Assembly;
        foreach (Type client in clientTypes)
        {
            Type server = api.GetType("Kms.Api.V1." + client.Name) ?? throw new Xunit.Sdk.XunitException($"Kms.Api.V1 has no {client.Name}.");
            Assert.Equal(Shape(server), Shape(client));
        }
    }

    [Fact]
    public void Problem_IsReadIntoTheTypedError()
    {
        KmsApiException error = ProblemReader.ToException(503, "Service Unavailable",
            """{"type":"urn:kms:problem:unavailable","title":"Unavailable","status":503,"detail":"2 of 3 shares","reason":"shares","traceId":"x"}"""u8,
            new Uri("http://silo/v1/namespaces/a/keys?x=secret-looking"));
        Assert.Equal(503, error.Status);
        Assert.Equal("Unavailable", error.Title);
        Assert.Equal("2 of 3 shares", error.Detail);
        Assert.Equal("shares", error.Reason);
        Assert.False(error.IsRefusal);
        Assert.DoesNotContain("secret-looking", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_FuzzedBodies_NeverThrowAnythingButAnError()
    {
        var random = new Random(1207);
        byte[] valid = """{"type":"t","title":"T","status":400,"detail":"d","reason":null}"""u8.ToArray();
        for (int i = 0; i < 3000; i++)
        {
            byte[] body = i % 2 == 0 ? RandomBytes(random, random.Next(0, 300)) : Mutate(random, valid);
            KmsApiException error = ProblemReader.ToException(400 + (i % 100), null, body, null);
            Assert.Equal(400 + (i % 100), error.Status);
            Assert.True(error.Detail is null || error.Detail.Length <= 1025);
        }

        string huge = "{\"detail\":\"" + new string('x', 100_000) + "\"}";
        Assert.True(ProblemReader.ToException(400, null, Encoding.UTF8.GetBytes(huge), null).Detail!.Length <= 1025);
        string deep = new string('[', 5000) + new string(']', 5000);
        Assert.Null(ProblemReader.ToException(400, null, Encoding.UTF8.GetBytes(deep), null).Detail);
    }

    [Theory]
    [InlineData(RecipientSchemes.HpkeX25519)]
    [InlineData(RecipientSchemes.HpkeP256)]
    [InlineData(RecipientSchemes.HpkeXWing)]
    [InlineData(RecipientSchemes.RsaOaep256)]
    public void RecipientKeys_OpenWhatTheKmsSealsTheirWay_AndRefuseAnyChange(string scheme)
    {
        using RecipientKeyPair key = RecipientKeyPair.Generate(scheme);
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        (byte[] encapsulation, byte[] ciphertext) = SealAsTheKmsDoes(scheme, key.PublicKey.ToArray(), secret);

        Assert.Equal(secret, key.Open(encapsulation, ciphertext));
        var random = new Random(scheme.Length);
        for (int i = 0; i < 50; i++)
        {
            byte[] changedCiphertext = ciphertext.ToArray();
            changedCiphertext[random.Next(changedCiphertext.Length)] ^= (byte)(1 << random.Next(8));
            Assert.Throws<CryptographicException>(() => key.Open(encapsulation, changedCiphertext));
            Assert.Throws<CryptographicException>(() => key.Open(encapsulation, changedCiphertext[..random.Next(changedCiphertext.Length)]));
        }

        using RecipientKeyPair other = RecipientKeyPair.Generate(scheme);
        Assert.Throws<CryptographicException>(() => other.Open(encapsulation, ciphertext));
    }

    [Fact]
    public void Options_AreValidated_WithTheSettingNamed()
    {
        var options = new KmsWorkloadClientOptions();
        Assert.Contains("BaseAddresses", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.BaseAddresses.Add(new Uri("ftp://silo/"));
        Assert.Contains("BaseAddresses", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.BaseAddresses.Clear();
        options.BaseAddresses.Add(new Uri("http://silo:8080/"));
        Assert.Contains("Namespace", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.Namespace = "apps";
        options.Validate();
        options.RecipientScheme = "ecies-go";
        Assert.Contains("RecipientScheme", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.RecipientScheme = RecipientSchemes.HpkeXWing;
        options.InstanceId = new byte[31];
        Assert.Contains("InstanceId", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.InstanceId = null;
        options.Identity = new string('A', 64);
        Assert.Contains("Identity", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.Identity = null;
        options.Rounds = 0;
        Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(TimeSpan.FromSeconds(30), new KmsWorkloadClientOptions().RequestTimeout);
        Assert.Equal(RecipientSchemes.HpkeX25519, new KmsWorkloadClientOptions().RecipientScheme);
    }

    [Fact]
    public void CertificateInstanceId_IsDerivedFromTheInstanceId_AndDiffers()
    {
        var options = new KmsWorkloadClientOptions { Namespace = "a", InstanceId = Enumerable.Repeat((byte)7, 32).ToArray() };
        options.BaseAddresses.Add(new Uri("http://127.0.0.1:1/"));
        using var http = new HttpClient();
        using var client = new KmsWorkloadClient(http, new Kms.Attestation.Providers.AzureCvmEvidenceProvider(), options);
        byte[] expected = SHA256.HashData([.. "Orleans.Kms certificate instance v1"u8, 0, .. options.InstanceId]);
        Assert.Equal(Convert.ToHexStringLower(expected), client.CertificateInstanceId);
        Assert.Equal("0707070707070707070707070707070707070707070707070707070707070707", client.InstanceId);
    }

    private static string[] Shape(Type type) =>
        type.GetConstructors().Single().GetParameters().Select(p => $"{p.Name}:{TypeName(p.ParameterType)}").ToArray();

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>"
        : type.Namespace is "Kms.Api.V1" or "Kms.Client.Workloads" ? type.Name : type.FullName!;

    /// <summary>The KMS's sealing (src/Grains/Release/ReleaseSealer.cs), written again from docs/api.md.</summary>
    private static (byte[] Encapsulation, byte[] Ciphertext) SealAsTheKmsDoes(string scheme, byte[] publicKey, byte[] secret)
    {
        ReadOnlySpan<byte> info = "Orleans.Kms release v1"u8;
        switch (scheme)
        {
            case RecipientSchemes.HpkeX25519:
                {
                    HpkeSealedMessage message = HpkeX25519.SealMessage(publicKey, info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            case RecipientSchemes.HpkeP256:
                {
                    using ECDiffieHellman key = HpkeP256.DeserializePublicKey(publicKey);
                    HpkeSealedMessage message = HpkeP256.SealMessage(key, info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            case RecipientSchemes.HpkeXWing:
                {
                    HpkeSealedMessage message = HpkeXWing.SealMessage(publicKey, info, [], secret);
                    return (message.EncapsulatedKey, message.Ciphertext);
                }

            default:
                {
                    using RSA rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(publicKey, out _);
                    RSAParameters parameters = rsa.ExportParameters(false);
                    return ([], RsaSecretEncryption.EncryptOaepSha256(RsaRecipientKey.FromParameters(parameters.Modulus, parameters.Exponent), secret));
                }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        byte[] output = input.ToArray();
        for (int i = random.Next(1, 5); i > 0; i--)
        {
            output[random.Next(output.Length)] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? output[..random.Next(output.Length)] : output;
    }
}
