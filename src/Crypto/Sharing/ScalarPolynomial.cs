using System.Security.Cryptography;
using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>
/// A polynomial over the P-256 scalar field with a fixed constant term and CSPRNG coefficients. The coefficients are
/// secret: they live in the constant-time <see cref="P256Scalar"/> field and <see cref="Clear"/> overwrites them.
/// </summary>
internal sealed class ScalarPolynomial
{
    private readonly P256Scalar[] _coefficients;

    private ScalarPolynomial(P256Scalar[] coefficients) => _coefficients = coefficients;

    public int Degree => _coefficients.Length - 1;

    /// <summary>f(0) = <paramref name="constant"/>, a_1..a_{t-1} uniform in [1, n).</summary>
    public static ScalarPolynomial Random(BigInteger constant, int threshold)
    {
        var coefficients = new P256Scalar[threshold];
        coefficients[0] = P256Scalar.FromBigInteger(constant);
        Span<byte> buffer = stackalloc byte[P256Curve.ScalarSize];
        try
        {
            for (int j = 1; j < threshold; j++)
            {
                // Rejection sampling: uniform in [1, n) without a modular bias.
                do
                {
                    RandomNumberGenerator.Fill(buffer);
                }
                while (!P256Scalar.TryFromBytes(buffer, out coefficients[j]) || coefficients[j].IsZero);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        return new ScalarPolynomial(coefficients);
    }

    /// <summary>f(x) by Horner's rule in constant time.</summary>
    public BigInteger Evaluate(int x)
    {
        ScalarShare.ValidateIndex(x);
        P256Scalar point = P256Scalar.FromBigInteger(BigInteger.ValueOf(x));
        P256Scalar result = P256Scalar.Zero;
        for (int j = _coefficients.Length - 1; j >= 0; j--)
        {
            result = P256Scalar.Add(P256Scalar.Multiply(result, point), _coefficients[j]);
        }

        BigInteger value = result.ToBigInteger();
        result.Clear();
        return value;
    }

    /// <summary>Commitments a_j·G for j ≥ <paramref name="firstDegree"/>.</summary>
    public ECPoint[] Commit(int firstDegree)
    {
        var commitments = new ECPoint[_coefficients.Length - firstDegree];
        Span<byte> buffer = stackalloc byte[P256Curve.ScalarSize];
        try
        {
            for (int j = firstDegree; j < _coefficients.Length; j++)
            {
                _coefficients[j].ToBytes(buffer);
                commitments[j - firstDegree] = P256Curve.ToECPoint(P256ScalarMultiplier.MultiplyGenerator(buffer));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        return commitments;
    }

    /// <summary>Overwrites every coefficient with zero.</summary>
    public void Clear()
    {
        for (int j = 0; j < _coefficients.Length; j++)
        {
            _coefficients[j].Clear();
        }
    }
}
