using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kms.Crypto.P256;

/// <summary>
/// Scalar multiplication on <see cref="P256ProjectivePoint"/>. Scalars are 32-byte big-endian values already reduced
/// modulo the group order n.
/// </summary>
/// <remarks>
/// Side channels, per method:
/// <list type="bullet">
/// <item><see cref="Multiply"/> and <see cref="MultiplyGenerator"/> are constant time in the scalar: a fixed sequence of
/// doublings and complete additions, and table lookups that read every entry and keep one with masks. Use them for
/// secret scalars (key shares, OPRF keys, blinds, proof nonces).</item>
/// <item><see cref="MultiplyPublic"/> is variable time (it skips zero digits and indexes tables by digit). Use it only
/// when every scalar and point is public, e.g. proof verification, Feldman commitments, Lagrange interpolation of public
/// partial evaluations.</item>
/// </list>
/// </remarks>
internal static class P256ScalarMultiplier
{
    private const int WindowBits = 4;
    private const int TableSize = 1 << WindowBits;
    private const int Windows = 256 / WindowBits;

    // s_generatorTable[w * 15 + (d − 1)] = d · 16^(63 − w) · G for d in 1..15 (window w counts from the top nibble).
    private static readonly P256ProjectivePoint[] s_generatorTable = BuildGeneratorTable();

    /// <summary>The base point G.</summary>
    internal static P256ProjectivePoint Generator { get; } = CreateGenerator();

    /// <summary>k·P in constant time (fixed 4-bit windows: 252 doublings and 64 complete additions for every k).</summary>
    internal static P256ProjectivePoint Multiply(in P256ProjectivePoint point, ReadOnlySpan<byte> scalar)
    {
        CheckScalar(scalar);
        Span<P256ProjectivePoint> table = stackalloc P256ProjectivePoint[TableSize];
        P256ProjectivePoint entry = default;
        P256ProjectivePoint accumulator = P256ProjectivePoint.Identity;
        try
        {
            BuildTable(point, table);
            for (int window = 0; window < Windows; window++)
            {
                if (window != 0)
                {
                    accumulator = P256ProjectivePoint.DoubleRepeated(accumulator, WindowBits);
                }

                Lookup(table, Digit(scalar, window), 0, ref entry);
                accumulator = P256ProjectivePoint.Add(accumulator, entry);
            }

            return accumulator;
        }
        finally
        {
            table.Clear();
            entry = default;
            accumulator = default;
        }
    }

    /// <summary>k·G in constant time: 64 complete additions of entries read from the precomputed table by full scans.</summary>
    internal static P256ProjectivePoint MultiplyGenerator(ReadOnlySpan<byte> scalar)
    {
        CheckScalar(scalar);
        P256ProjectivePoint accumulator = P256ProjectivePoint.Identity;
        P256FieldElement x = default, y = default;
        try
        {
            for (int window = 0; window < Windows; window++)
            {
                ReadOnlySpan<P256ProjectivePoint> row = s_generatorTable.AsSpan(window * (TableSize - 1), TableSize - 1);
                uint digit = Digit(scalar, window);
                LookupAffine(row, digit, out x, out y); // row[d − 1] = d·16^i·G (Z = 1); digit 0 matches nothing
                // The mixed addition cannot add the identity: for digit 0 its (garbage) result is discarded by a mask.
                P256ProjectivePoint sum = P256ProjectivePoint.AddAffine(accumulator, x, y);
                accumulator = P256ProjectivePoint.Select(sum, accumulator, EqualMask(0, digit));
            }

            return accumulator;
        }
        finally
        {
            x = default;
            y = default;
            accumulator = default;
        }
    }

    /// <summary>
    /// Σ k_i·P_i for PUBLIC scalars and points only (variable time, see <see cref="P256VariableTimeMultiplier"/>).
    /// <paramref name="scalars"/> holds 32 bytes per point.
    /// </summary>
    internal static P256ProjectivePoint MultiplyPublic(ReadOnlySpan<P256ProjectivePoint> points, ReadOnlySpan<byte> scalars) =>
        P256VariableTimeMultiplier.Multiply([], points, scalars);

    /// <summary>
    /// g·G + Σ k_i·P_i for PUBLIC scalars and points only (variable time). <paramref name="generatorScalar"/> is 32 bytes;
    /// <paramref name="scalars"/> holds 32 bytes per point. Use this rather than passing G as one of the points: the
    /// generator's precomputation is shared by every call.
    /// </summary>
    internal static P256ProjectivePoint MultiplyPublic(
        ReadOnlySpan<byte> generatorScalar, ReadOnlySpan<P256ProjectivePoint> points, ReadOnlySpan<byte> scalars)
    {
        CheckScalar(generatorScalar);
        return P256VariableTimeMultiplier.Multiply(generatorScalar, points, scalars);
    }

    /// <summary>table[d] = d·P for d in 0..15.</summary>
    private static void BuildTable(in P256ProjectivePoint point, Span<P256ProjectivePoint> table)
    {
        table[0] = P256ProjectivePoint.Identity;
        table[1] = point;
        for (int d = 2; d < TableSize; d++)
        {
            table[d] = (d & 1) == 0 ? P256ProjectivePoint.Double(table[d / 2]) : P256ProjectivePoint.Add(table[d - 1], point);
        }
    }

    /// <summary>
    /// Copies the entry whose index plus <paramref name="firstIndex"/> equals <paramref name="digit"/> (all zeros when
    /// none does) into <paramref name="result"/>. Every limb of every entry is read and masked: no secret-dependent
    /// address or branch, and no per-entry struct copies.
    /// </summary>
    private static void Lookup(ReadOnlySpan<P256ProjectivePoint> table, uint digit, uint firstIndex, ref P256ProjectivePoint result)
    {
        const int Limbs = P256FieldElement.LimbCount;
        ReadOnlySpan<ulong> limbs = MemoryMarshal.Cast<P256ProjectivePoint, ulong>(table);
        ulong x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0;
        for (int d = 0; d < table.Length; d++)
        {
            ulong mask = EqualMask((uint)d + firstIndex, digit);
            ReadOnlySpan<ulong> e = limbs.Slice(d * 3 * Limbs, 3 * Limbs);
            x0 |= e[0] & mask;
            x1 |= e[1] & mask;
            x2 |= e[2] & mask;
            x3 |= e[3] & mask;
            x4 |= e[4] & mask;
            y0 |= e[5] & mask;
            y1 |= e[6] & mask;
            y2 |= e[7] & mask;
            y3 |= e[8] & mask;
            y4 |= e[9] & mask;
            z0 |= e[10] & mask;
            z1 |= e[11] & mask;
            z2 |= e[12] & mask;
            z3 |= e[13] & mask;
            z4 |= e[14] & mask;
        }

        result = new P256ProjectivePoint(
            new P256FieldElement(x0, x1, x2, x3, x4),
            new P256FieldElement(y0, y1, y2, y3, y4),
            new P256FieldElement(z0, z1, z2, z3, z4));
    }

    /// <summary>
    /// Copies the affine coordinates (X, Y; every Z is 1) of entry <paramref name="digit"/> − 1 into
    /// <paramref name="x"/> and <paramref name="y"/> (zeros when <paramref name="digit"/> is 0), reading and masking the
    /// X and Y limbs of every entry.
    /// </summary>
    private static void LookupAffine(ReadOnlySpan<P256ProjectivePoint> table, uint digit, out P256FieldElement x, out P256FieldElement y)
    {
        const int Limbs = P256FieldElement.LimbCount;
        ReadOnlySpan<ulong> limbs = MemoryMarshal.Cast<P256ProjectivePoint, ulong>(table);
        ulong x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0;
        for (int d = 0; d < table.Length; d++)
        {
            ulong mask = EqualMask((uint)d + 1, digit);
            ReadOnlySpan<ulong> e = limbs.Slice(d * 3 * Limbs, 2 * Limbs);
            x0 |= e[0] & mask;
            x1 |= e[1] & mask;
            x2 |= e[2] & mask;
            x3 |= e[3] & mask;
            x4 |= e[4] & mask;
            y0 |= e[5] & mask;
            y1 |= e[6] & mask;
            y2 |= e[7] & mask;
            y3 |= e[8] & mask;
            y4 |= e[9] & mask;
        }

        x = new P256FieldElement(x0, x1, x2, x3, x4);
        y = new P256FieldElement(y0, y1, y2, y3, y4);
    }

    /// <summary>Nibble <paramref name="window"/> of the big-endian scalar, counted from the most significant one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Digit(ReadOnlySpan<byte> scalar, int window)
    {
        uint b = scalar[window >> 1];
        return (window & 1) == 0 ? b >> 4 : b & 0xF;
    }

    /// <summary>All-ones when a == b (both below 2^31), else zero, without branches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EqualMask(uint a, uint b) => 0 - (ulong)(((a ^ b) - 1) >> 31);

    private static void CheckScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != 32)
        {
            throw new ArgumentException("A scalar is 32 bytes.", nameof(scalar));
        }
    }

    private static P256ProjectivePoint CreateGenerator()
    {
        byte[] x = Convert.FromHexString("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
        byte[] y = Convert.FromHexString("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
        P256FieldElement.TryFromBytes(x, out P256FieldElement gx);
        P256FieldElement.TryFromBytes(y, out P256FieldElement gy);
        return P256ProjectivePoint.FromAffine(gx, gy);
    }

    private static P256ProjectivePoint[] BuildGeneratorTable()
    {
        var table = new P256ProjectivePoint[Windows * (TableSize - 1)];
        P256ProjectivePoint basePoint = CreateGenerator(); // 16^i·G, starting with the least significant window
        for (int power = 0; power < Windows; power++)
        {
            int row = (Windows - 1 - power) * (TableSize - 1);
            table[row] = basePoint;
            for (int d = 2; d < TableSize; d++)
            {
                table[row + d - 1] = P256ProjectivePoint.Add(table[row + d - 2], basePoint);
            }

            for (int i = 0; i < WindowBits; i++)
            {
                basePoint = P256ProjectivePoint.Double(basePoint);
            }
        }

        Normalize(table);
        return table;
    }

    /// <summary>Rescales every entry to Z = 1 with one inversion (Montgomery's batch trick); no entry is the identity.</summary>
    private static void Normalize(P256ProjectivePoint[] points)
    {
        var prefix = new P256FieldElement[points.Length];
        P256FieldElement running = P256FieldElement.One;
        for (int i = 0; i < points.Length; i++)
        {
            prefix[i] = running;
            running = P256FieldElement.Multiply(running, points[i].Z);
        }

        P256FieldElement inverse = P256FieldElement.Invert(running); // 1 / (Z_0 · … · Z_{m−1})
        for (int i = points.Length - 1; i >= 0; i--)
        {
            P256FieldElement zInverse = P256FieldElement.Multiply(inverse, prefix[i]);
            inverse = P256FieldElement.Multiply(inverse, points[i].Z);
            points[i] = new P256ProjectivePoint(
                P256FieldElement.Multiply(points[i].X, zInverse),
                P256FieldElement.Multiply(points[i].Y, zInverse),
                P256FieldElement.One);
        }
    }

    /// <summary>Number of comb teeth of <see cref="MultiplySharedBase"/>: 2^5 table entries, 52 comb steps per scalar.</summary>
    private const int CombTeeth = 5;

    /// <summary>
    /// k_j·P for several SECRET scalars k_j and one point P, in constant time, sharing one precomputation: a comb with
    /// <see cref="CombTeeth"/> teeth spaced s = ⌈256 / teeth⌉ bits apart. The table holds Σ_t b_t·2^(t·s)·P for every
    /// bit pattern b (s·(teeth − 1) doublings and 2^teeth − teeth − 1 additions, built once); each scalar then costs s
    /// doublings and s complete additions of entries read by full masked scans, against 252 doublings and 64 additions
    /// for <see cref="Multiply"/>. The sequence of operations and memory accesses depends only on the number of scalars.
    /// <paramref name="scalars"/> holds 32 bytes per result.
    /// </summary>
    internal static void MultiplySharedBase(in P256ProjectivePoint point, ReadOnlySpan<byte> scalars, Span<P256ProjectivePoint> results)
    {
        if (results.Length == 0 || scalars.Length != results.Length * 32)
        {
            throw new ArgumentException("Each result needs one 32-byte scalar.", nameof(scalars));
        }

        const int spacing = (256 + CombTeeth - 1) / CombTeeth;
        Span<P256ProjectivePoint> table = stackalloc P256ProjectivePoint[1 << CombTeeth];
        P256ProjectivePoint entry = default;
        P256ProjectivePoint accumulator = default;
        try
        {
            BuildCombTable(point, spacing, table);
            for (int j = 0; j < results.Length; j++)
            {
                ReadOnlySpan<byte> scalar = scalars.Slice(j * 32, 32);
                accumulator = P256ProjectivePoint.Identity;
                for (int position = spacing - 1; position >= 0; position--)
                {
                    if (position != spacing - 1)
                    {
                        accumulator = P256ProjectivePoint.Double(accumulator);
                    }

                    Lookup(table, CombDigit(scalar, position, spacing), 0, ref entry);
                    accumulator = P256ProjectivePoint.Add(accumulator, entry);
                }

                results[j] = accumulator;
            }
        }
        finally
        {
            table.Clear();
            entry = default;
            accumulator = default;
        }
    }

    /// <summary>table[b] = Σ_t bit_t(b)·2^(t·spacing)·P for b in 0..2^teeth − 1 (table[0] is the identity).</summary>
    private static void BuildCombTable(in P256ProjectivePoint point, int spacing, Span<P256ProjectivePoint> table)
    {
        table[0] = P256ProjectivePoint.Identity;
        P256ProjectivePoint tooth = point;
        for (int bit = 1; bit < table.Length; bit <<= 1)
        {
            if (bit != 1)
            {
                tooth = P256ProjectivePoint.DoubleRepeated(tooth, spacing);
            }

            table[bit] = tooth;
            for (int lower = 1; lower < bit; lower++)
            {
                table[bit + lower] = P256ProjectivePoint.Add(table[lower], tooth);
            }
        }
    }

    /// <summary>
    /// The comb digit at <paramref name="position"/>: bit t is scalar bit t·spacing + position (bits past 255 are zero).
    /// The bytes read depend only on the public position.
    /// </summary>
    private static uint CombDigit(ReadOnlySpan<byte> scalar, int position, int spacing)
    {
        uint digit = 0;
        for (int t = 0; t < CombTeeth; t++)
        {
            int bit = (t * spacing) + position;
            if (bit < 256)
            {
                digit |= (uint)((scalar[31 - (bit >> 3)] >> (bit & 7)) & 1) << t;
            }
        }

        return digit;
    }
}
