using System.Numerics;
using Kms.Crypto.Hpke;

namespace Kms.Crypto.Tests.Hpke;

public sealed class P256KeysTests
{
    private static readonly BigInteger s_order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000001", true)]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", true)]  // n - 1
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", false)] // n
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632552", false)] // n + 1
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632600", false)]
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc6324ff", true)]
    [InlineData("fffffffeffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true)]
    [InlineData("ffffffff00000001000000000000000000000000000000000000000000000000", false)]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false)]
    public void IsValidScalar_AcceptsExactlyOneToNMinusOne(string hex, bool expected) =>
        Assert.Equal(expected, P256Keys.IsValidScalar(Convert.FromHexString(hex)));

    [Fact]
    public void IsValidScalar_RefusesWrongLengths()
    {
        Assert.False(P256Keys.IsValidScalar(new byte[31]));
        Assert.False(P256Keys.IsValidScalar([.. new byte[32], 1]));
        Assert.False(P256Keys.IsValidScalar([]));
    }

    [Fact]
    public void IsValidScalar_AgreesWithBigIntegerNearAndFarFromTheOrder()
    {
        var random = new Random(20261121);
        byte[] order = s_order.ToByteArray(isUnsigned: true, isBigEndian: true);
        for (int i = 0; i < 2000; i++)
        {
            byte[] candidate = new byte[32];
            random.NextBytes(candidate);
            if (i % 2 == 0)
            {
                // Share a random-length prefix with n so that the comparison is decided deep inside the value.
                int prefix = random.Next(0, 33);
                order.AsSpan(0, prefix).CopyTo(candidate);
            }

            var value = new BigInteger(candidate, isUnsigned: true, isBigEndian: true);
            Assert.Equal(value > 0 && value < s_order, P256Keys.IsValidScalar(candidate));
        }
    }
}
