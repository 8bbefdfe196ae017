using Kms.Silo.Providers.Postgres;

namespace Kms.Silo.Tests.Providers.Postgres;

public sealed class PostgresSchemaScriptTests
{
    [Fact]
    public void LoadEmbedded_FindsDenseVersionsStartingAtOne()
    {
        IReadOnlyList<PostgresSchemaScript> scripts = PostgresSchemaScript.LoadEmbedded();

        Assert.NotEmpty(scripts);
        Assert.Equal(Enumerable.Range(1, scripts.Count), scripts.Select(script => script.Version));
        Assert.Equal("0001_orleans.sql", scripts[0].Name);
        Assert.Contains("CREATE TABLE orleansquery", scripts[0].Sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0001_orleans.sql", 1)]
    [InlineData("0042_reminder_index.sql", 42)]
    [InlineData("9999_x.sql", 9999)]
    [InlineData("0003_v2_fix.sql", 3)]
    public void ParseVersion_ReadsTheFourDigitPrefix(string name, int version) =>
        Assert.Equal(version, PostgresSchemaScript.ParseVersion(name));

    [Theory]
    [InlineData("")]
    [InlineData("0000_zero.sql")]
    [InlineData("1_short.sql")]
    [InlineData("00001_long.sql")]
    [InlineData("0001_.sql")]
    [InlineData("0001_name.txt")]
    [InlineData("0001-name.sql")]
    [InlineData("+001_name.sql")]
    [InlineData("-001_name.sql")]
    [InlineData(" 001_name.sql")]
    [InlineData("٠٠٠١_arabic_digits.sql")]
    [InlineData("0001_name.sql.bak")]
    [InlineData("0050\0_nul.sql")]
    [InlineData("0001_Upper.sql")]
    [InlineData("0001_name.sql\n")]
    public void ParseVersion_RejectsMalformedNames(string name) =>
        Assert.Throws<InvalidOperationException>(() => PostgresSchemaScript.ParseVersion(name));

    [Fact]
    public void ParseVersion_OnRandomAndMutatedNames_ReturnsAPositiveVersionOrRejects()
    {
        var random = new Random(20261202);
        const string Alphabet = "0123456789_.sqlabc-+ \u0660\0";
        for (int i = 0; i < 20_000; i++)
        {
            char[] name = i % 2 == 0
                ? [.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]
                : Mutate("0007_orleans_tables.sql".ToCharArray(), random, Alphabet);
            string text = new(name);
            try
            {
                int version = PostgresSchemaScript.ParseVersion(text);
                Assert.InRange(version, 1, 9999);
                Assert.Equal(version.ToString("D4"), text[..4]);
                Assert.EndsWith(".sql", text, StringComparison.Ordinal);
            }
            catch (InvalidOperationException)
            {
                // Rejected with the explicit error: the only other allowed outcome.
            }
        }
    }

    private static char[] Mutate(char[] name, Random random, string alphabet)
    {
        int edits = random.Next(1, 4);
        for (int edit = 0; edit < edits; edit++)
        {
            name[random.Next(name.Length)] = alphabet[random.Next(alphabet.Length)];
        }

        return name;
    }
}
