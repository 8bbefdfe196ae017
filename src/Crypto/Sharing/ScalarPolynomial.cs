using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>A polynomial over the P-256 scalar field with a fixed constant term and CSPRNG coefficients.</summary>
internal sealed class ScalarPolynomial
{
    private readonly BigInteger[] _coefficients;

    private ScalarPolynomial(BigInteger[] coefficients) => _coefficients = coefficients;

    public int Degree => _coefficients.Length - 1;

    /// <summary>f(0) = <paramref name="constant"/>, a_1..a_{t-1} uniform in [1, n).</summary>
    public static ScalarPolynomial Random(BigInteger constant, int threshold)
    {
        var coefficients = new BigInteger[threshold];
        coefficients[0] = constant;
        for (int j = 1; j < threshold; j++)
        {
            coefficients[j] = P256Curve.RandomNonZeroScalar();
        }

        return new ScalarPolynomial(coefficients);
    }

    public BigInteger Evaluate(int x)
    {
        BigInteger bx = BigInteger.ValueOf(x);
        BigInteger result = BigInteger.Zero;
        for (int j = _coefficients.Length - 1; j >= 0; j--)
        {
            result = result.Multiply(bx).Add(_coefficients[j]).Mod(P256Curve.Order);
        }

        return result;
    }

    /// <summary>Commitments a_j·G for j ≥ <paramref name="firstDegree"/>.</summary>
    public ECPoint[] Commit(int firstDegree) =>
        _coefficients.Skip(firstDegree).Select(P256Curve.MultiplyGenerator).ToArray();

    /// <summary>Drops the references to the coefficients (BigInteger values themselves cannot be wiped).</summary>
    public void Clear() => Array.Clear(_coefficients);
}
