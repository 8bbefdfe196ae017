using System.Buffers.Binary;
using F = Kms.Crypto.P256.P256FieldElement;

namespace Kms.Crypto.P256;

/// <summary>
/// Multi-scalar multiplication Σ k_i·P_i (optionally plus g·G) for PUBLIC scalars and points only: proof and batch
/// verification, Feldman commitments, interpolation of public partial evaluations.
/// </summary>
/// <remarks>
/// VARIABLE TIME by design: Straus' interleaving with width-5 NAF digits (width 7 for the generator), tables of odd
/// multiples normalised to affine coordinates with one shared inversion, a Jacobian accumulator with mixed additions,
/// and a doubling chain that starts at the highest non-zero digit of any scalar (so 128-bit scalars, as used by batch
/// verification weights, cost half the doublings when every scalar is short). Branches and table indices depend on the
/// scalars and points; never give it a secret.
/// </remarks>
internal static class P256VariableTimeMultiplier
{
    private const int PointWindow = 5;
    private const int GeneratorWindow = 7;

    // A w-NAF of a value below 2^256 has at most 257 digits.
    private const int MaxDigits = 257;

    // Odd multiples 1·G, 3·G, …, (2^(w−1) − 1)·G in affine coordinates (x, y interleaved).
    private static readonly F[] s_generatorOddMultiples = BuildGeneratorOddMultiples();

    /// <summary>g·G + Σ k_i·P_i; <paramref name="generatorScalar"/> may be empty (no generator term).</summary>
    /// <param name="generatorScalar">Empty, or 32 big-endian bytes.</param>
    /// <param name="points">The points P_i (the identity is allowed and contributes nothing).</param>
    /// <param name="scalars">32 big-endian bytes per point.</param>
    internal static P256ProjectivePoint Multiply(
        ReadOnlySpan<byte> generatorScalar, ReadOnlySpan<P256ProjectivePoint> points, ReadOnlySpan<byte> scalars)
    {
        if (scalars.Length != points.Length * 32)
        {
            throw new ArgumentException("Each point needs one 32-byte scalar.", nameof(scalars));
        }

        if (generatorScalar.Length is not (0 or 32))
        {
            throw new ArgumentException("The generator scalar is 32 bytes (or empty).", nameof(generatorScalar));
        }

        int tableSize = 1 << (PointWindow - 2);
        var digits = new sbyte[(points.Length + 1) * MaxDigits];
        int top = -1;
        var active = new List<int>(points.Length);
        for (int i = 0; i < points.Length; i++)
        {
            if (points[i].IsIdentityMask() != 0)
            {
                continue;
            }

            int length = ComputeNaf(scalars.Slice(i * 32, 32), PointWindow, digits.AsSpan(i * MaxDigits, MaxDigits));
            if (length > 0)
            {
                active.Add(i);
                top = Math.Max(top, length - 1);
            }
        }

        Span<sbyte> generatorDigits = digits.AsSpan(points.Length * MaxDigits, MaxDigits);
        if (!generatorScalar.IsEmpty)
        {
            top = Math.Max(top, ComputeNaf(generatorScalar, GeneratorWindow, generatorDigits) - 1);
        }

        if (top < 0)
        {
            return P256ProjectivePoint.Identity;
        }

        // tables[(slot * tableSize + j) * 2] = x, [... + 1] = y of (2j + 1)·P for the slot-th active point.
        F[] tables = BuildOddMultiples(points, active, tableSize);
        var accumulator = new JacobianAccumulator();
        for (int bit = top; bit >= 0; bit--)
        {
            accumulator.Double();
            for (int slot = 0; slot < active.Count; slot++)
            {
                int digit = digits[(active[slot] * MaxDigits) + bit];
                if (digit != 0)
                {
                    int entry = ((slot * tableSize) + (Math.Abs(digit) >> 1)) * 2;
                    accumulator.AddAffine(tables[entry], tables[entry + 1], negate: digit < 0);
                }
            }

            int generatorDigit = generatorDigits[bit];
            if (generatorDigit != 0)
            {
                int entry = (Math.Abs(generatorDigit) >> 1) * 2;
                accumulator.AddAffine(s_generatorOddMultiples[entry], s_generatorOddMultiples[entry + 1], negate: generatorDigit < 0);
            }
        }

        return accumulator.ToProjective();
    }

    /// <summary>
    /// Writes the width-<paramref name="window"/> NAF of a 32-byte big-endian scalar (least significant digit first:
    /// every non-zero digit is odd, |d| &lt; 2^(w−1), and any w consecutive digits hold at most one non-zero) and
    /// returns the number of digits up to the highest non-zero one (0 for a zero scalar).
    /// </summary>
    internal static int ComputeNaf(ReadOnlySpan<byte> scalar, int window, Span<sbyte> digits)
    {
        // Five limbs: subtracting a negative digit can carry the value up to 2^256.
        Span<ulong> k = stackalloc ulong[5];
        k[0] = BinaryPrimitives.ReadUInt64BigEndian(scalar[24..]);
        k[1] = BinaryPrimitives.ReadUInt64BigEndian(scalar[16..]);
        k[2] = BinaryPrimitives.ReadUInt64BigEndian(scalar[8..]);
        k[3] = BinaryPrimitives.ReadUInt64BigEndian(scalar);
        k[4] = 0;
        digits.Clear();
        int modulus = 1 << window;
        int length = 0;
        for (int i = 0; i < MaxDigits && (k[0] | k[1] | k[2] | k[3] | k[4]) != 0; i++)
        {
            if ((k[0] & 1) != 0)
            {
                int digit = (int)(k[0] & (ulong)(modulus - 1));
                if (digit >= modulus >> 1)
                {
                    digit -= modulus;
                }

                digits[i] = (sbyte)digit;
                length = i + 1;
                if (digit > 0)
                {
                    SubtractSmall(k, (ulong)digit);
                }
                else
                {
                    AddSmall(k, (ulong)(-digit));
                }
            }

            ShiftRightOne(k);
        }

        return length;
    }

    private static void SubtractSmall(Span<ulong> k, ulong value)
    {
        // The low w bits of k are at least value, so the subtraction never borrows past limb 0.
        k[0] -= value;
    }

    private static void AddSmall(Span<ulong> k, ulong value)
    {
        ulong carry = value;
        for (int i = 0; i < k.Length && carry != 0; i++)
        {
            ulong sum = k[i] + carry;
            carry = sum < carry ? 1UL : 0UL;
            k[i] = sum;
        }
    }

    private static void ShiftRightOne(Span<ulong> k)
    {
        for (int i = 0; i < k.Length - 1; i++)
        {
            k[i] = (k[i] >> 1) | (k[i + 1] << 63);
        }

        k[^1] >>= 1;
    }

    /// <summary>Odd multiples P, 3P, …, (2·size − 1)P of each active point, normalised to affine with one inversion.</summary>
    private static F[] BuildOddMultiples(ReadOnlySpan<P256ProjectivePoint> points, List<int> active, int size)
    {
        var projective = new P256ProjectivePoint[active.Count * size];
        for (int slot = 0; slot < active.Count; slot++)
        {
            P256ProjectivePoint point = points[active[slot]];
            P256ProjectivePoint twice = P256ProjectivePoint.Double(point);
            projective[slot * size] = point;
            for (int j = 1; j < size; j++)
            {
                projective[(slot * size) + j] = P256ProjectivePoint.Add(projective[(slot * size) + j - 1], twice);
            }
        }

        return ToAffine(projective);
    }

    /// <summary>
    /// Affine (x, y) pairs of points none of which is the identity (the points of a prime-order group that are odd
    /// multiples of a non-identity point), with Montgomery's trick: one inversion and three multiplications per point.
    /// </summary>
    private static F[] ToAffine(P256ProjectivePoint[] points)
    {
        var prefix = new F[points.Length];
        F running = F.One;
        for (int i = 0; i < points.Length; i++)
        {
            prefix[i] = running;
            running = F.Multiply(running, points[i].Z);
        }

        F inverse = F.Invert(running);
        var affine = new F[points.Length * 2];
        for (int i = points.Length - 1; i >= 0; i--)
        {
            F zInverse = F.Multiply(inverse, prefix[i]);
            inverse = F.Multiply(inverse, points[i].Z);
            affine[2 * i] = F.Multiply(points[i].X, zInverse);
            affine[(2 * i) + 1] = F.Multiply(points[i].Y, zInverse);
        }

        return affine;
    }

    private static F[] BuildGeneratorOddMultiples()
    {
        int size = 1 << (GeneratorWindow - 2);
        var projective = new P256ProjectivePoint[size];
        P256ProjectivePoint generator = P256ScalarMultiplier.Generator;
        P256ProjectivePoint twice = P256ProjectivePoint.Double(generator);
        projective[0] = generator;
        for (int j = 1; j < size; j++)
        {
            projective[j] = P256ProjectivePoint.Add(projective[j - 1], twice);
        }

        return ToAffine(projective);
    }

    /// <summary>
    /// A Jacobian point (x = X/Z², y = Y/Z³; Z = 0 is the identity) with a = −3 doubling and mixed addition of affine
    /// points, handling the exceptional cases (identity, P + P, P + (−P)) with branches: public data only.
    /// </summary>
    private struct JacobianAccumulator
    {
        private F _x;
        private F _y;
        private F _z;
        private bool _isIdentity;

        public JacobianAccumulator()
        {
            _x = F.One;
            _y = F.One;
            _z = F.Zero;
            _isIdentity = true;
        }

        /// <summary>Doubles in place (a no-op on the identity).</summary>
        public void Double()
        {
            if (_isIdentity)
            {
                return;
            }

            P256ProjectivePoint.DoubleJacobian(ref _x, ref _y, ref _z);
        }

        /// <summary>Adds the affine point (x2, ±y2) (madd-2007-bl: 7M + 4S), falling back to doubling when equal.</summary>
        public void AddAffine(in F x2, in F y2, bool negate)
        {
            F y = negate ? F.Negate(y2) : y2;
            if (_isIdentity)
            {
                _x = x2;
                _y = y;
                _z = F.One;
                _isIdentity = false;
                return;
            }

            F z1z1 = F.Square(_z);
            F u2 = F.Multiply(x2, z1z1);
            F s2 = F.Multiply(F.Multiply(y, _z), z1z1);
            F h = F.Subtract(u2, _x);
            F r = F.Subtract(s2, _y);
            if (h.IsZeroMask() != 0)
            {
                if (r.IsZeroMask() != 0)
                {
                    Double();
                }
                else
                {
                    _isIdentity = true;
                    _z = F.Zero;
                }

                return;
            }

            r = F.Add(r, r);
            F hh = F.Square(h);
            F i = F.Add(hh, hh);
            i = F.Add(i, i);
            F j = F.Multiply(h, i);
            F v = F.Multiply(_x, i);
            F x3 = F.Subtract(F.Subtract(F.Square(r), j), F.Add(v, v));
            F yj = F.Multiply(_y, j);
            F y3 = F.Subtract(F.Multiply(r, F.Subtract(v, x3)), F.Add(yj, yj));
            F z3 = F.Add(_z, h);
            z3 = F.Subtract(F.Subtract(F.Square(z3), z1z1), hh);
            _x = x3;
            _y = y3;
            _z = z3;
        }

        /// <summary>Homogeneous projective (X·Z : Y : Z³), or the identity (0 : 1 : 0).</summary>
        public readonly P256ProjectivePoint ToProjective() =>
            _isIdentity
                ? P256ProjectivePoint.Identity
                : new P256ProjectivePoint(F.Multiply(_x, _z), _y, F.Multiply(F.Square(_z), _z));
    }
}
