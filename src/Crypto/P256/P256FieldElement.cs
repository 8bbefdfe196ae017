using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Kms.Crypto.P256;

/// <summary>
/// An element of the P-256 base field GF(p), p = 2^256 − 2^224 + 2^192 + 2^96 − 1, in Montgomery form a·R mod p with
/// R = 2^260, held as five unsaturated radix-2^52 limbs: value = L0 + L1·2^52 + L2·2^104 + L3·2^156 + L4·2^208.
/// </summary>
/// <remarks>
/// <para>
/// Invariant of every stored element ("loose" form): L0..L3 &lt; 2^55 and L4 &lt; 2^49, hence value &lt; 2^257 + 2^212.
/// The value is congruent to a·R but not necessarily below p; only <see cref="ToBytes"/>, <see cref="IsZeroMask"/> and
/// <see cref="EqualMask"/> compute the canonical residue. Every operation accepts any loose input and returns a loose
/// result (each method says why).
/// </para>
/// <para>
/// Why this representation: with 52-bit digits the 64×64-bit partial products and their column sums never overflow a
/// 64-bit word, so multiplication needs no carry flags (.NET has no add-with-carry) and its 25 products are independent.
/// p ≡ −1 (mod 2^52), so the Montgomery factor of a reduction round is just the low 52 bits of a column.
/// </para>
/// <para>
/// Every operation is constant time: no branch and no memory index depends on the limbs (reductions use masks and
/// arithmetic shifts). The only loop, in <see cref="Invert"/>, runs over a fixed addition chain for the public p − 2.
/// </para>
/// </remarks>
// Sequential: points are read as consecutive limbs by the constant-time table scans.
[StructLayout(LayoutKind.Sequential)]
internal struct P256FieldElement
{
    internal ulong L0;
    internal ulong L1;
    internal ulong L2;
    internal ulong L3;
    internal ulong L4;

    /// <summary>The number of 64-bit limbs, for code that reads elements as raw limbs.</summary>
    internal const int LimbCount = 5;

    private const ulong Mask52 = (1UL << 52) - 1;
    private const ulong Mask48 = (1UL << 48) - 1;

    // p in radix 2^52.
    private const ulong P0 = 0xFFFFFFFFFFFFF;
    private const ulong P1 = 0xFFFFFFFFFFF;
    private const ulong P2 = 0;
    private const ulong P3 = 0x1000000000;
    private const ulong P4 = 0xFFFFFFFF0000;

    // 2^256 − p = 2^224 − 2^192 − 2^96 + 1 in radix 2^52: every limb is non-negative, so folding h·2^256 into
    // h·(2^256 − p) only adds.
    private const ulong K0 = 0x1;
    private const ulong K1 = 0xFF00000000000;
    private const ulong K2 = 0xFFFFFFFFFFFFF;
    private const ulong K3 = 0xFFFEFFFFFFFFF;
    private const ulong K4 = 0xFFFF;

    // 3p with limbs borrowed downwards so that B0..B3 ≥ 2^56 − 16 and B4 ≥ 2^49: each exceeds the largest loose limb,
    // so a + 3p − b is limb-wise non-negative.
    private const ulong B0 = 0x10FFFFFFFFFFFFD;
    private const ulong B1 = 0x1002FFFFFFFFFEF;
    private const ulong B2 = 0xFFFFFFFFFFFFF0;
    private const ulong B3 = 0x100002FFFFFFFF0;
    private const ulong B4 = 0x2FFFFFFFCFFF0;

    // R^2 mod p = 2^520 mod p: a Montgomery product with it converts into Montgomery form.
    private static readonly P256FieldElement s_rSquared = new(0x300, 0xFFFFFFFF00000, 0xFFFFEFFFFFFFB, 0xFDFFFFFFFFFFF, 0x4FFFFFF);

    internal P256FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
        L4 = l4;
    }

    /// <summary>Zero.</summary>
    internal static P256FieldElement Zero => default;

    /// <summary>One, in Montgomery form (R mod p = 2^260 mod p).</summary>
    internal static P256FieldElement One => new(0x10, 0xF000000000000, 0xFFFFFFFFFFFFF, 0xFFEFFFFFFFFFF, 0xFFFFF);

    /// <summary>
    /// Reads a 32-byte big-endian integer. Returns false (with an unspecified result) when the value is not below p;
    /// the comparison itself is constant time.
    /// </summary>
    internal static bool TryFromBytes(ReadOnlySpan<byte> bigEndian, out P256FieldElement result)
    {
        if (bigEndian.Length != 32)
        {
            throw new ArgumentException("A field element is 32 bytes.", nameof(bigEndian));
        }

        ulong w3 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian);
        ulong w2 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]);
        ulong w1 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]);
        ulong w0 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]);
        var raw = new P256FieldElement(
            w0 & Mask52,
            ((w0 >> 52) | (w1 << 12)) & Mask52,
            ((w1 >> 40) | (w2 << 24)) & Mask52,
            ((w2 >> 28) | (w3 << 36)) & Mask52,
            w3 >> 16);
        ulong belowP = SubtractP(raw, out _);

        // raw has limbs below 2^52 and L4 < 2^48: a valid loose input, and the product is loose (see Multiply).
        result = Multiply(raw, s_rSquared);
        return belowP != 0;
    }

    /// <summary>Writes the canonical (non-Montgomery) value as 32 big-endian bytes.</summary>
    internal readonly void ToBytes(Span<byte> bigEndian)
    {
        // Montgomery product with plain 1: (value + m·p) / 2^260 < 2^258 / 2^260 + p, i.e. at most p; Canonical maps p to 0.
        P256FieldElement plain = Canonical(Multiply(this, new P256FieldElement(1, 0, 0, 0, 0)));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, (plain.L3 >> 36) | (plain.L4 << 16));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], (plain.L2 >> 24) | (plain.L3 << 28));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[16..], (plain.L1 >> 12) | (plain.L2 << 40));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[24..], plain.L0 | (plain.L1 << 52));
    }

    /// <summary>All-ones when the element is zero (mod p), else zero (constant time).</summary>
    internal readonly ulong IsZeroMask()
    {
        P256FieldElement c = Canonical(this);
        ulong any = c.L0 | c.L1 | c.L2 | c.L3 | c.L4;
        // (any | −any) has its top bit set exactly when any ≠ 0.
        return ((any | (0 - any)) >> 63) - 1;
    }

    /// <summary>All-ones when the elements are equal (mod p), else zero (constant time).</summary>
    internal static ulong EqualMask(in P256FieldElement a, in P256FieldElement b) => Subtract(a, b).IsZeroMask();

    /// <summary>Returns <paramref name="b"/> when <paramref name="mask"/> is all-ones, <paramref name="a"/> when it is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Select(in P256FieldElement a, in P256FieldElement b, ulong mask) => new(
        a.L0 ^ (mask & (a.L0 ^ b.L0)),
        a.L1 ^ (mask & (a.L1 ^ b.L1)),
        a.L2 ^ (mask & (a.L2 ^ b.L2)),
        a.L3 ^ (mask & (a.L3 ^ b.L3)),
        a.L4 ^ (mask & (a.L4 ^ b.L4)));

    /// <summary>a + b, loose.</summary>
    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Add(in P256FieldElement a, in P256FieldElement b) =>
        // Limb sums: L0..L3 < 2^56, L4 < 2^50 (what Fold requires).
        Fold(a.L0 + b.L0, a.L1 + b.L1, a.L2 + b.L2, a.L3 + b.L3, a.L4 + b.L4);

    /// <summary>a − b, loose.</summary>
    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Subtract(in P256FieldElement a, in P256FieldElement b) =>
        // a + 3p − b: every Bi exceeds every loose limb, so no limb goes negative; L0..L3 < 2^55 + 2^57 < 2^58 and
        // L4 < 2^49 + B4 = 5·2^48 − 0x30010 (what Fold requires).
        Fold(a.L0 + B0 - b.L0, a.L1 + B1 - b.L1, a.L2 + B2 - b.L2, a.L3 + B3 - b.L3, a.L4 + B4 - b.L4);

    /// <summary>−a, loose.</summary>
    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Negate(in P256FieldElement a) => Subtract(Zero, a);

    /// <summary>
    /// Montgomery product a·b·2^−260 mod p, loose: the 25 partial products by columns, five reduction rounds, one
    /// carry pass.
    /// </summary>
    internal static P256FieldElement Multiply(in P256FieldElement a, in P256FieldElement b)
    {
        // Loose limbs are below 2^55, so limb·2^6 fits a word and MultiplyHigh(x·2^6, y·2^6) = ⌊x·y / 2^52⌋ exactly:
        // the radix-2^52 high part of a product with one multiply instead of a 128-bit shift.
        ulong a0s = a.L0 << 6, a1s = a.L1 << 6, a2s = a.L2 << 6, a3s = a.L3 << 6, a4s = a.L4 << 6;
        ulong b0s = b.L0 << 6, b1s = b.L1 << 6, b2s = b.L2 << 6, b3s = b.L3 << 6, b4s = b.L4 << 6;

        // Column k of the product is hk·2^52 + (sum of its products' low 52 bits). Each product is below 2^110, so
        // hk < 5·2^58. wk is the wrapping sum of the products' low words; wk − hk·2^52 (mod 2^64) is the low-bit sum,
        // which is below 5·2^52 and therefore exact. The high parts come first and the low words are read straight
        // from the inputs: fewer values live at once, fewer spills.
        ulong h0 = MultiplyHigh(a0s, b0s);
        ulong h1 = MultiplyHigh(a0s, b1s) + MultiplyHigh(a1s, b0s);
        ulong h2 = MultiplyHigh(a0s, b2s) + MultiplyHigh(a1s, b1s) + MultiplyHigh(a2s, b0s);
        ulong h3 = MultiplyHigh(a0s, b3s) + MultiplyHigh(a1s, b2s) + MultiplyHigh(a2s, b1s) + MultiplyHigh(a3s, b0s);
        ulong h4 = MultiplyHigh(a0s, b4s) + MultiplyHigh(a1s, b3s) + MultiplyHigh(a2s, b2s) + MultiplyHigh(a3s, b1s) + MultiplyHigh(a4s, b0s);
        ulong h5 = MultiplyHigh(a1s, b4s) + MultiplyHigh(a2s, b3s) + MultiplyHigh(a3s, b2s) + MultiplyHigh(a4s, b1s);
        ulong h6 = MultiplyHigh(a2s, b4s) + MultiplyHigh(a3s, b3s) + MultiplyHigh(a4s, b2s);
        ulong h7 = MultiplyHigh(a3s, b4s) + MultiplyHigh(a4s, b3s);
        ulong h8 = MultiplyHigh(a4s, b4s);

        ulong w0 = a.L0 * b.L0;
        ulong w1 = (a.L0 * b.L1) + (a.L1 * b.L0);
        ulong w2 = (a.L0 * b.L2) + (a.L1 * b.L1) + (a.L2 * b.L0);
        ulong w3 = (a.L0 * b.L3) + (a.L1 * b.L2) + (a.L2 * b.L1) + (a.L3 * b.L0);
        ulong w4 = (a.L0 * b.L4) + (a.L1 * b.L3) + (a.L2 * b.L2) + (a.L3 * b.L1) + (a.L4 * b.L0);
        ulong w5 = (a.L1 * b.L4) + (a.L2 * b.L3) + (a.L3 * b.L2) + (a.L4 * b.L1);
        ulong w6 = (a.L2 * b.L4) + (a.L3 * b.L3) + (a.L4 * b.L2);
        ulong w7 = (a.L3 * b.L4) + (a.L4 * b.L3);
        ulong w8 = a.L4 * b.L4;

        return Reduce(
            w0 - (h0 << 52),
            w1 - (h1 << 52) + h0,
            w2 - (h2 << 52) + h1,
            w3 - (h3 << 52) + h2,
            w4 - (h4 << 52) + h3,
            w5 - (h5 << 52) + h4,
            w6 - (h6 << 52) + h5,
            w7 - (h7 << 52) + h6,
            w8 - (h8 << 52) + h7,
            h8);
    }

    /// <summary>Montgomery square a²·2^−260 mod p, loose: 15 partial products (cross products once, doubled).</summary>
    internal static P256FieldElement Square(in P256FieldElement a)
    {
        // As in Multiply; the cross products are doubled (2·limb·2^6 < 2^62 still fits), so they are below 2^111,
        // hk < 2·2^59 + 2^58 and the low-bit sums are below 3·2^52.
        ulong a0s = a.L0 << 6, a1s = a.L1 << 6, a2s = a.L2 << 6, a3s = a.L3 << 6, a4s = a.L4 << 6;
        ulong d0s = a.L0 << 7, d1s = a.L1 << 7, d2s = a.L2 << 7, d3s = a.L3 << 7;

        ulong h0 = MultiplyHigh(a0s, a0s);
        ulong h1 = MultiplyHigh(d0s, a1s);
        ulong h2 = MultiplyHigh(d0s, a2s) + MultiplyHigh(a1s, a1s);
        ulong h3 = MultiplyHigh(d0s, a3s) + MultiplyHigh(d1s, a2s);
        ulong h4 = MultiplyHigh(d0s, a4s) + MultiplyHigh(d1s, a3s) + MultiplyHigh(a2s, a2s);
        ulong h5 = MultiplyHigh(d1s, a4s) + MultiplyHigh(d2s, a3s);
        ulong h6 = MultiplyHigh(d2s, a4s) + MultiplyHigh(a3s, a3s);
        ulong h7 = MultiplyHigh(d3s, a4s);
        ulong h8 = MultiplyHigh(a4s, a4s);

        ulong w0 = a.L0 * a.L0;
        ulong w1 = (a.L0 * a.L1) << 1;
        ulong w2 = ((a.L0 * a.L2) << 1) + (a.L1 * a.L1);
        ulong w3 = ((a.L0 * a.L3) + (a.L1 * a.L2)) << 1;
        ulong w4 = (((a.L0 * a.L4) + (a.L1 * a.L3)) << 1) + (a.L2 * a.L2);
        ulong w5 = ((a.L1 * a.L4) + (a.L2 * a.L3)) << 1;
        ulong w6 = ((a.L2 * a.L4) << 1) + (a.L3 * a.L3);
        ulong w7 = (a.L3 * a.L4) << 1;
        ulong w8 = a.L4 * a.L4;

        return Reduce(
            w0 - (h0 << 52),
            w1 - (h1 << 52) + h0,
            w2 - (h2 << 52) + h1,
            w3 - (h3 << 52) + h2,
            w4 - (h4 << 52) + h3,
            w5 - (h5 << 52) + h4,
            w6 - (h6 << 52) + h5,
            w7 - (h7 << 52) + h6,
            w8 - (h8 << 52) + h7,
            h8);
    }

    /// <summary>
    /// a^(p−2) = a^−1 (Fermat); zero maps to zero. A fixed addition chain for the public exponent (255 squarings,
    /// 13 multiplications instead of 128 with plain square-and-multiply).
    /// </summary>
    internal static P256FieldElement Invert(in P256FieldElement a)
    {
        // xN = a^(2^N − 1), a run of N one bits.
        P256FieldElement x2 = Multiply(Square(a), a);
        P256FieldElement x4 = Multiply(P256FieldPowers.SquareTimes(x2, 2), x2);
        P256FieldElement x8 = Multiply(P256FieldPowers.SquareTimes(x4, 4), x4);
        P256FieldElement x16 = Multiply(P256FieldPowers.SquareTimes(x8, 8), x8);
        P256FieldElement x24 = Multiply(P256FieldPowers.SquareTimes(x16, 8), x8);
        P256FieldElement x28 = Multiply(P256FieldPowers.SquareTimes(x24, 4), x4);
        P256FieldElement x30 = Multiply(P256FieldPowers.SquareTimes(x28, 2), x2);
        P256FieldElement x32 = Multiply(P256FieldPowers.SquareTimes(x30, 2), x2);

        // p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (big-endian 32-bit words).
        P256FieldElement t = Multiply(P256FieldPowers.SquareTimes(x32, 32), a);
        t = P256FieldPowers.SquareTimes(t, 96);
        t = Multiply(P256FieldPowers.SquareTimes(t, 32), x32);
        t = Multiply(P256FieldPowers.SquareTimes(t, 32), x32);
        t = Multiply(P256FieldPowers.SquareTimes(t, 30), x30); // fffffffd = thirty ones, then 0, then 1
        return Multiply(P256FieldPowers.SquareTimes(t, 2), a);
    }

    /// <summary>
    /// Montgomery reduction of the product columns c0..c9 (value Σ ck·2^52k = a·b, every column below 2^61): returns
    /// (a·b + m·p) / 2^260 for the m that clears the five low columns.
    /// </summary>
    /// <remarks>
    /// A round adds m·p·2^52i with m = ci mod 2^52. In radix 2^52, m·p = −m + m·2^44·2^52 + m·2^36·2^156 +
    /// m·(2^48 − 2^16)·2^208 (the +m from p0 = 2^52 − 1 and the −m from p1 = 2^44 − 1 cancel in column i + 1), and
    /// ci − m is a multiple of 2^52 that moves up as a carry. Every term is split at 2^52 into two non-negative parts
    /// (the last one by a product: m·(2^48 − 2^16) &lt; 2^100), so columns only grow: each stays below 2^61 + 2^56.
    /// (m·2^44 mod 2^52 is the low byte of m shifted, m·2^36 mod 2^52 its low 16 bits shifted.) Those, the left
    /// shift by 12 and the product mod 2^52 only see the low 52 bits of ci, so they read ci directly instead of m:
    /// one step less on the serial path from one round to the next.
    /// Bound: loose inputs are below 2^257 + 2^212, so a·b / 2^260 &lt; 2^255 and m·p / 2^260 &lt; p: the result t is
    /// below 2^257. One parallel carry step leaves limbs 1..3 below 2^52 + 2^10 and, all limbs being non-negative,
    /// L4·2^208 ≤ t, so L4 &lt; 2^49: loose.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256FieldElement Reduce(
        ulong c0, ulong c1, ulong c2, ulong c3, ulong c4, ulong c5, ulong c6, ulong c7, ulong c8, ulong c9)
    {
        ulong m = c0 & Mask52;
        c1 += (c0 >> 52) + ((ulong)(byte)c0 << 44);
        c2 += m >> 8;
        c3 += (ulong)(ushort)c0 << 36;
        c4 += (m >> 16) + ((c0 * P4) & Mask52);
        c5 += MultiplyHigh(c0 << 12, P4);

        m = c1 & Mask52;
        c2 += (c1 >> 52) + ((ulong)(byte)c1 << 44);
        c3 += m >> 8;
        c4 += (ulong)(ushort)c1 << 36;
        c5 += (m >> 16) + ((c1 * P4) & Mask52);
        c6 += MultiplyHigh(c1 << 12, P4);

        m = c2 & Mask52;
        c3 += (c2 >> 52) + ((ulong)(byte)c2 << 44);
        c4 += m >> 8;
        c5 += (ulong)(ushort)c2 << 36;
        c6 += (m >> 16) + ((c2 * P4) & Mask52);
        c7 += MultiplyHigh(c2 << 12, P4);

        m = c3 & Mask52;
        c4 += (c3 >> 52) + ((ulong)(byte)c3 << 44);
        c5 += m >> 8;
        c6 += (ulong)(ushort)c3 << 36;
        c7 += (m >> 16) + ((c3 * P4) & Mask52);
        c8 += MultiplyHigh(c3 << 12, P4);

        m = c4 & Mask52;
        c5 += (c4 >> 52) + ((ulong)(byte)c4 << 44);
        c6 += m >> 8;
        c7 += (ulong)(ushort)c4 << 36;
        c8 += (m >> 16) + ((c4 * P4) & Mask52);
        c9 += MultiplyHigh(c4 << 12, P4);

        return new P256FieldElement(
            c5 & Mask52, (c6 & Mask52) + (c5 >> 52), (c7 & Mask52) + (c6 >> 52), (c8 & Mask52) + (c7 >> 52), c9 + (c8 >> 52));
    }

    /// <summary>
    /// Brings non-negative limbs s0..s3 &lt; 2^58, s4 &lt; 5·2^48 − 2^6 back to loose form, congruent mod p.
    /// </summary>
    /// <remarks>
    /// One parallel carry step (no serial chain: every limb is non-negative) gives limbs below 2^52 + 2^6 and a top
    /// limb t4 &lt; 5·2^48; the h = ⌊t4 / 2^48⌋ ≤ 4 units of 2^256 above it are replaced by h·(2^256 − p), whose
    /// limbs are non-negative and below 2^52. Result: L0..L3 &lt; 2^52 + 2^6 + 4·2^52 &lt; 2^55 and
    /// L4 &lt; 2^48 + 4·2^16 &lt; 2^49.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256FieldElement Fold(ulong s0, ulong s1, ulong s2, ulong s3, ulong s4)
    {
        ulong t4 = s4 + (s3 >> 52);
        ulong h = t4 >> 48;
        return new P256FieldElement(
            (s0 & Mask52) + h,
            (s1 & Mask52) + (s0 >> 52) + (h * K1),
            (s2 & Mask52) + (s1 >> 52) + (h * K2),
            (s3 & Mask52) + (s2 >> 52) + (h * K3),
            (t4 & Mask48) + (h * K4));
    }

    /// <summary>
    /// The unique representative below p of a loose element, with limbs below 2^52 (constant time).
    /// </summary>
    /// <remarks>
    /// A full carry pass makes the limbs exact (top limb &lt; 2^49 + 2^4, so at most 2 units of 2^256); folding those
    /// into h·(2^256 − p) and carrying again leaves a value below 2^256 + 2^225 &lt; 2p, so one masked subtraction of
    /// p finishes.
    /// </remarks>
    private static P256FieldElement Canonical(in P256FieldElement a)
    {
        ulong r0 = a.L0, r1 = a.L1, r2 = a.L2, r3 = a.L3, r4 = a.L4;
        r1 += r0 >> 52;
        r0 &= Mask52;
        r2 += r1 >> 52;
        r1 &= Mask52;
        r3 += r2 >> 52;
        r2 &= Mask52;
        r4 += r3 >> 52;
        r3 &= Mask52;

        ulong h = r4 >> 48;
        r0 += h * K0;
        r1 += (h * K1) + (r0 >> 52);
        r0 &= Mask52;
        r2 += (h * K2) + (r1 >> 52);
        r1 &= Mask52;
        r3 += (h * K3) + (r2 >> 52);
        r2 &= Mask52;
        r4 = (r4 & Mask48) + (h * K4) + (r3 >> 52);
        r3 &= Mask52;

        var reduced = new P256FieldElement(r0, r1, r2, r3, r4);
        ulong belowP = SubtractP(reduced, out P256FieldElement difference);
        return Select(difference, reduced, belowP);
    }

    /// <summary>
    /// a − p for a with limbs below 2^52 and L4 below 2^63; returns all-ones when a &lt; p (the difference is then
    /// negative and meaningless), else zero with the difference (limbs below 2^52) in <paramref name="difference"/>.
    /// </summary>
    private static ulong SubtractP(in P256FieldElement a, out P256FieldElement difference)
    {
        ulong d0 = a.L0 - P0;
        ulong d1 = a.L1 - P1 + Carry(d0);
        ulong d2 = a.L2 - P2 + Carry(d1);
        ulong d3 = a.L3 - P3 + Carry(d2);
        ulong d4 = a.L4 - P4 + Carry(d3);
        difference = new P256FieldElement(d0 & Mask52, d1 & Mask52, d2 & Mask52, d3 & Mask52, d4);
        return (ulong)((long)d4 >> 63);
    }

    /// <summary>⌊d / 2^52⌋ for a limb difference read as a signed 64-bit value (the borrow, 0 or −1, of a subtraction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Carry(ulong d) => (ulong)((long)d >> 52);

    /// <summary>
    /// The high word of a·b. With BMI2 this is a single MULX whose result stays in registers (Math.BigMul's low-word
    /// out-parameter makes the JIT spill every product to the stack); the low word is a plain a·b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyHigh(ulong a, ulong b) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);
}
