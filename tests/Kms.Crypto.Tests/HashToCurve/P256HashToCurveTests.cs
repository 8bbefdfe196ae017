using System.Text;
using Kms.Crypto.HashToCurve;
using Kms.Crypto.P256;
using Org.BouncyCastle.Math.EC;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Tests.HashToCurve;

/// <summary>RFC 9380 Appendix J.1.1: P256_XMD:SHA-256_SSWU_RO_, DST = QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_.</summary>
public class P256HashToCurveTests
{
    private static readonly byte[] s_dst = Encoding.ASCII.GetBytes("QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_");

    // msg, P.x, P.y, u0, u1, Q0.x, Q0.y, Q1.x, Q1.y
    public static TheoryData<string, string[]> Vectors => new()
    {
        {
            "",
            [
                "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4", "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415",
                "ad5342c66a6dd0ff080df1da0ea1c04b96e0330dd89406465eeba11582515009", "8c0f1d43204bd6f6ea70ae8013070a1518b43873bcd850aafa0a9e220e2eea5a",
                "ab640a12220d3ff283510ff3f4b1953d09fad35795140b1c5d64f313967934d5", "dccb558863804a881d4fff3455716c836cef230e5209594ddd33d85c565b19b1",
                "51cce63c50d972a6e51c61334f0f4875c9ac1cd2d3238412f84e31da7d980ef5", "b45d1a36d00ad90e5ec7840a60a4de411917fbe7c82c3949a6e699e5a1b66aac",
            ]
        },
        {
            "abc",
            [
                "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f", "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e",
                "afe47f2ea2b10465cc26ac403194dfb68b7f5ee865cda61e9f3e07a537220af1", "379a27833b0bfe6f7bdca08e1e83c760bf9a338ab335542704edcd69ce9e46e0",
                "5219ad0ddef3cc49b714145e91b2f7de6ce0a7a7dc7406c7726c7e373c58cb48", "7950144e52d30acbec7b624c203b1996c99617d0b61c2442354301b191d93ecf",
                "019b7cb4efcfeaf39f738fe638e31d375ad6837f58a852d032ff60c69ee3875f", "589a62d2b22357fed5449bc38065b760095ebe6aeac84b01156ee4252715446e",
            ]
        },
        {
            "abcdef0123456789",
            [
                "65038ac8f2b1def042a5df0b33b1f4eca6bff7cb0f9c6c1526811864e544ed80", "cad44d40a656e7aff4002a8de287abc8ae0482b5ae825822bb870d6df9b56ca3",
                "0fad9d125a9477d55cf9357105b0eb3a5c4259809bf87180aa01d651f53d312c", "b68597377392cd3419d8fcc7d7660948c8403b19ea78bbca4b133c9d2196c0fb",
                "a17bdf2965eb88074bc01157e644ed409dac97cfcf0c61c998ed0fa45e79e4a2", "4f1bc80c70d411a3cc1d67aeae6e726f0f311639fee560c7f5a664554e3c9c2e",
                "7da48bb67225c1a17d452c983798113f47e438e4202219dd0715f8419b274d66", "b765696b2913e36db3016c47edb99e24b1da30e761a8a3215dc0ec4d8f96e6f9",
            ]
        },
        {
            "q128_" + new string('q', 128),
            [
                "4be61ee205094282ba8a2042bcb48d88dfbb609301c49aa8b078533dc65a0b5d", "98f8df449a072c4721d241a3b1236d3caccba603f916ca680f4539d2bfb3c29e",
                "3bbc30446f39a7befad080f4d5f32ed116b9534626993d2cc5033f6f8d805919", "76bb02db019ca9d3c1e02f0c17f8baf617bbdae5c393a81d9ce11e3be1bf1d33",
                "c76aaa823aeadeb3f356909cb08f97eee46ecb157c1f56699b5efebddf0e6398", "776a6f45f528a0e8d289a4be12c4fab80762386ec644abf2bffb9b627e4352b1",
                "418ac3d85a5ccc4ea8dec14f750a3a9ec8b85176c95a7022f391826794eb5a75", "fd6604f69e9d9d2b74b072d14ea13050db72c932815523305cb9e807cc900aff",
            ]
        },
        {
            "a512_" + new string('a', 512),
            [
                "457ae2981f70ca85d8e24c308b14db22f3e3862c5ea0f652ca38b5e49cd64bc5", "ecb9f0eadc9aeed232dabc53235368c1394c78de05dd96893eefa62b0f4757dc",
                "4ebc95a6e839b1ae3c63b847798e85cb3c12d3817ec6ebc10af6ee51adb29fec", "4e21af88e22ea80156aff790750121035b3eefaa96b425a8716e0d20b4e269ee",
                "d88b989ee9d1295df413d4456c5c850b8b2fb0f5402cc5c4c7e815412e926db8", "bb4a1edeff506cf16def96afff41b16fc74f6dbd55c2210e5b8f011ba32f4f40",
                "a281e34e628f3a4d2a53fa87ff973537d68ad4fbc28d3be5e8d9f6a2571c5a4b", "f6ed88a7aab56a488100e6f1174fa9810b47db13e86be999644922961206e184",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MatchesRfc9380Vectors(string message, string[] expected)
    {
        byte[] msg = Encoding.ASCII.GetBytes(message);

        BigInteger[] u = P256HashToCurve.HashToField(msg, s_dst, 2);
        Assert.Equal(expected[2], Hex(u[0]));
        Assert.Equal(expected[3], Hex(u[1]));

        ECPoint q0 = P256HashToCurve.MapToCurve(u[0]);
        ECPoint q1 = P256HashToCurve.MapToCurve(u[1]);
        Assert.Equal(expected[4], Hex(q0.AffineXCoord.ToBigInteger()));
        Assert.Equal(expected[5], Hex(q0.AffineYCoord.ToBigInteger()));
        Assert.Equal(expected[6], Hex(q1.AffineXCoord.ToBigInteger()));
        Assert.Equal(expected[7], Hex(q1.AffineYCoord.ToBigInteger()));

        ECPoint p = P256HashToCurve.HashToCurve(msg, s_dst);
        Assert.Equal(expected[0], Hex(p.AffineXCoord.ToBigInteger()));
        Assert.Equal(expected[1], Hex(p.AffineYCoord.ToBigInteger()));
        Assert.True(p.IsValid());
    }

    [Fact]
    public void MapToCurveHandlesTheExceptionalInputZero()
    {
        // u = 0 makes tv1 = 0 (the exceptional case x1 = B / (Z·A)); the result must still be on the curve.
        ECPoint point = P256HashToCurve.MapToCurve(BigInteger.Zero);
        Assert.True(point.IsValid());
        Assert.False(point.IsInfinity);
    }

    [Fact]
    public void MapToCurveRejectsUnreducedInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => P256HashToCurve.MapToCurve(P256Curve.FieldPrime));
        Assert.Throws<ArgumentOutOfRangeException>(() => P256HashToCurve.MapToCurve(BigInteger.One.Negate()));
    }

    [Fact]
    public void MapToCurveAgreesWithAStraightforwardReferenceOnRandomAndExceptionalInputs()
    {
        var random = new Random(9380);
        var inputs = new List<BigInteger> { BigInteger.Zero, BigInteger.One, P256Curve.FieldPrime.Subtract(BigInteger.One) };
        // u² = −1/Z also makes Z²u⁴ + Zu² vanish, when that square root exists.
        ECFieldElement minusOneOverZ = P256Curve.Curve.FromBigInteger(BigInteger.ValueOf(10)).Invert();
        ECFieldElement? root = minusOneOverZ.Sqrt();
        if (root is not null)
        {
            inputs.Add(root.ToBigInteger());
            inputs.Add(root.Negate().ToBigInteger());
        }

        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = new byte[32];
            random.NextBytes(bytes);
            inputs.Add(new BigInteger(1, bytes).Mod(P256Curve.FieldPrime));
        }

        foreach (BigInteger u in inputs)
        {
            ECPoint point = P256HashToCurve.MapToCurve(u);
            Assert.True(point.IsValid());
            Assert.Equal(ReferenceMap(u), point);
        }
    }

    /// <summary>RFC 9380 §6.6.2 written out directly on BouncyCastle's field arithmetic, with branches (reference only).</summary>
    private static ECPoint ReferenceMap(BigInteger u)
    {
        ECCurve curve = P256Curve.Curve;
        ECFieldElement z = curve.FromBigInteger(P256Curve.FieldPrime.Subtract(BigInteger.ValueOf(10)));
        ECFieldElement fu = curve.FromBigInteger(u);
        ECFieldElement zu2 = z.Multiply(fu.Square());
        ECFieldElement tv1 = zu2.Square().Add(zu2);
        ECFieldElement x1 = tv1.IsZero
            ? curve.B.Divide(z.Multiply(curve.A))
            : curve.B.Negate().Divide(curve.A).Multiply(tv1.Invert().AddOne());
        ECFieldElement Gx(ECFieldElement x) => x.Square().Add(curve.A).Multiply(x).Add(curve.B);
        ECFieldElement x = x1;
        ECFieldElement? y = Gx(x1).Sqrt();
        if (y is null)
        {
            x = zu2.Multiply(x1);
            y = Gx(x).Sqrt()!;
        }

        if (u.TestBit(0) != y.ToBigInteger().TestBit(0))
        {
            y = y.Negate();
        }

        return curve.CreatePoint(x.ToBigInteger(), y.ToBigInteger()).Normalize();
    }

    private static string Hex(BigInteger value) => Convert.ToHexStringLower(value.ToByteArrayUnsigned()).PadLeft(64, '0');
}
