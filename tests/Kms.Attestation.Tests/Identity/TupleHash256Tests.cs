using System.Text;
using Kms.Attestation.Identity;

namespace Kms.Attestation.Tests.Identity;

/// <summary>NIST SP 800-185 TupleHash256 samples #4–#6 (L = 512).</summary>
public sealed class TupleHash256Tests
{
    private static readonly byte[] s_x1 = Convert.FromHexString("000102");
    private static readonly byte[] s_x2 = Convert.FromHexString("101112131415");
    private static readonly byte[] s_x3 = Convert.FromHexString("202122232425262728");

    [Theory]
    [InlineData("", 2, "cfb7058caca5e668f81a12a20a2195ce97a925f1dba3e7449a56f82201ec607311ac2696b1ab5ea2352df1423bde7bd4bb78c9aed1a853c78672f9eb23bbe194")]
    [InlineData("My Tuple App", 2, "147c2191d5ed7efd98dbd96d7ab5a11692576f5fe2a5065f3e33de6bba9f3aa1c4e9a068a289c61c95aab30aee1e410b0b607de3620e24a4e3bf9852a1d4367e")]
    [InlineData("My Tuple App", 3, "45000be63f9b6bfd89f54717670f69a9bc763591a4f05c50d68891a744bcc6e7d6d5b5e82c018da999ed35b0bb49c9678e526abd8e85c13ed254021db9e790ce")]
    public void Matches_sp800_185_samples(string customization, int count, string expected)
    {
        byte[][] items = new[] { s_x1, s_x2, s_x3 }[..count];
        Assert.Equal(expected, Convert.ToHexStringLower(TupleHash256.HashData(items, Encoding.ASCII.GetBytes(customization), 64)));
    }

    [Fact]
    public void Tuple_boundaries_matter()
    {
        byte[] a = TupleHash256.HashData([[1, 2], [3]], [], 32);
        byte[] b = TupleHash256.HashData([[1], [2, 3]], [], 32);
        byte[] c = TupleHash256.HashData([[1, 2, 3]], [], 32);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(TupleHash256.HashData([[1, 2], [3]], [], 32), TupleHash256.HashData([[1, 2], [3]], [], 64)[..32]);
    }
}
