using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Governance.Policy;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Policy;

public sealed class NamespacePolicyParserFuzzTests
{
    private static readonly string[] s_members = ["version", "namespace", "serial", "identities", "operators", "keyAccess", "mayReplicate", "x"];

    [Fact]
    public void RandomMemberValues_OnlyEverThrowPolicyFormatException()
    {
        var random = new Random(2024);
        int accepted = 0;
        for (int i = 0; i < 3_000; i++)
        {
            JsonObject body = JsonNode.Parse(Body(5))!.AsObject();
            for (int j = random.Next(1, 3); j > 0; j--)
            {
                body[s_members[random.Next(s_members.Length)]] = RandomValue(random, 0);
            }

            using JsonDocument document = JsonDocument.Parse(body.ToJsonString());
            try
            {
                NamespacePolicy policy = NamespacePolicyParser.Parse(document.RootElement);
                Assert.InRange(policy.Serial, 1, NamespacePolicyParser.MaxInteger);
                Assert.True(NamespacePolicyParser.IsValidNamespace(policy.Namespace));
                accepted++;
            }
            catch (PolicyFormatException ex)
            {
                Assert.False(string.IsNullOrEmpty(ex.Message));
            }
        }

        // Some random edits are valid (e.g. an empty list), most are not: both paths are exercised.
        Assert.InRange(accepted, 1, 2_999);
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-5, 5)),
        2 => JsonValue.Create(random.NextDouble() * 1e20),
        3 => JsonValue.Create(new string('1', random.Next(0, 70))),
        4 => JsonValue.Create(random.Next(2) == 0),
        5 => JsonValue.Create("payments"),
        6 => new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        7 => new JsonObject(Enumerable.Range(0, random.Next(3)).Select(k => KeyValuePair.Create(s_members[random.Next(s_members.Length)] + k, RandomValue(random, depth + 1)))),
        _ => new JsonArray(new JsonObject { ["identity"] = new string('1', 64), ["notAfter"] = RandomValue(random, depth + 1) }),
    };
}
