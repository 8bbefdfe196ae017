using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Kms.Crypto.P256;

/// <summary>
/// An element of the P-256 base field GF(p), p = 2^256 − 2^224 + 2^192 + 2^96 − 1, held in Montgomery form
/// (a·2^256 mod p) as four little-endian 64-bit limbs, always fully reduced (&lt; p).
/// </summary>
/// <remarks>
/// Every operation is constant time: no branch and no memory index depends on the limbs (carries are computed with
/// 128-bit arithmetic, reductions use masks). The only data-dependent-looking loop, in <see cref="Invert"/>, runs over
/// the bits of the public constant p − 2.
/// </remarks>
// Sequential: points are read as consecutive limbs by the constant-time table scans.
[StructLayout(LayoutKind.Sequential)]
internal struct P256FieldElement
{
    internal ulong L0;
    internal ulong L1;
    internal ulong L2;
    internal ulong L3;

    private const ulong P0 = 0xFFFFFFFFFFFFFFFF;
    private const ulong P1 = 0x00000000FFFFFFFF;
    private const ulong P2 = 0x0000000000000000;
    private const ulong P3 = 0xFFFFFFFF00000001;

    // R^2 mod p with R = 2^256: multiplying by it converts into Montgomery form.
    private static readonly P256FieldElement s_rSquared = new(0x0000000000000003, 0xFFFFFFFBFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0x00000004FFFFFFFD);

    internal P256FieldElement(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
    }

    /// <summary>Zero.</summary>
    internal static P256FieldElement Zero => default;

    /// <summary>One, in Montgomery form (R mod p = 2^256 − p).</summary>
    internal static P256FieldElement One => new(0x0000000000000001, 0xFFFFFFFF00000000, 0xFFFFFFFFFFFFFFFF, 0x00000000FFFFFFFE);

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

        var raw = new P256FieldElement(
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian));
        // raw < p exactly when subtracting p borrows: ReduceOnce then keeps raw unchanged.
        P256FieldElement reduced = ReduceOnce(raw.L0, raw.L1, raw.L2, raw.L3, 0);
        ulong unchanged = EqualMask(reduced, raw);
        result = Multiply(raw, s_rSquared);
        return unchanged != 0;
    }

    /// <summary>Writes the (non-Montgomery) value as 32 big-endian bytes.</summary>
    internal readonly void ToBytes(Span<byte> bigEndian)
    {
        P256FieldElement plain = Multiply(this, new P256FieldElement(1, 0, 0, 0));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, plain.L3);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], plain.L2);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[16..], plain.L1);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[24..], plain.L0);
    }

    /// <summary>All-ones when the element is zero, else zero (constant time).</summary>
    internal readonly ulong IsZeroMask()
    {
        ulong any = L0 | L1 | L2 | L3;
        // (any | −any) has its top bit set exactly when any ≠ 0.
        return ((any | (0 - any)) >> 63) - 1;
    }

    /// <summary>All-ones when the elements are equal, else zero (constant time).</summary>
    internal static ulong EqualMask(in P256FieldElement a, in P256FieldElement b) =>
        new P256FieldElement(a.L0 ^ b.L0, a.L1 ^ b.L1, a.L2 ^ b.L2, a.L3 ^ b.L3).IsZeroMask();

    /// <summary>Returns <paramref name="b"/> when <paramref name="mask"/> is all-ones, <paramref name="a"/> when it is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Select(in P256FieldElement a, in P256FieldElement b, ulong mask) => new(
        a.L0 ^ (mask & (a.L0 ^ b.L0)),
        a.L1 ^ (mask & (a.L1 ^ b.L1)),
        a.L2 ^ (mask & (a.L2 ^ b.L2)),
        a.L3 ^ (mask & (a.L3 ^ b.L3)));

    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Add(in P256FieldElement a, in P256FieldElement b)
    {
        // Carries are computed as comparisons turned into 0/1 values (setcc), never as branches.
        ulong s0 = a.L0 + b.L0;
        ulong carry = Bit(s0 < a.L0);
        ulong s1 = a.L1 + b.L1;
        ulong next = Bit(s1 < a.L1);
        s1 += carry;
        carry = next | Bit(s1 < carry);
        ulong s2 = a.L2 + b.L2;
        next = Bit(s2 < a.L2);
        s2 += carry;
        carry = next | Bit(s2 < carry);
        ulong s3 = a.L3 + b.L3;
        next = Bit(s3 < a.L3);
        s3 += carry;
        carry = next | Bit(s3 < carry);
        return ReduceOnce(s0, s1, s2, s3, carry);
    }

    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Subtract(in P256FieldElement a, in P256FieldElement b)
    {
        ulong d0 = a.L0 - b.L0;
        ulong borrow = Bit(a.L0 < b.L0);
        ulong d1 = a.L1 - b.L1;
        ulong next = Bit(a.L1 < b.L1);
        next |= Bit(d1 < borrow);
        d1 -= borrow;
        borrow = next;
        ulong d2 = a.L2 - b.L2;
        next = Bit(a.L2 < b.L2);
        next |= Bit(d2 < borrow);
        d2 -= borrow;
        borrow = next;
        ulong d3 = a.L3 - b.L3;
        next = Bit(a.L3 < b.L3);
        next |= Bit(d3 < borrow);
        d3 -= borrow;
        borrow = next;

        // On underflow add p back (masked, no branch): p = (2^64 − 1, 2^32 − 1, 0, 2^64 − 2^32 + 1).
        ulong mask = 0 - borrow;
        ulong r0 = d0 + (P0 & mask);
        ulong carry = Bit(r0 < d0);
        ulong r1 = d1 + (P1 & mask);
        next = Bit(r1 < d1);
        r1 += carry;
        carry = next | Bit(r1 < carry);
        ulong r2 = d2 + carry;
        carry = Bit(r2 < carry);
        ulong r3 = d3 + (P3 & mask) + carry;
        return new P256FieldElement(r0, r1, r2, r3);
    }

    // Inlined: the call, its saved registers and the returned struct cost as much as the arithmetic itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Negate(in P256FieldElement a) => Subtract(Zero, a);

    /// <summary>
    /// Montgomery square a²·2^−256 mod p: the 512-bit square from 10 word products (cross products once, doubled),
    /// then four reduction rounds on the low half and one final addition of the high half (the sum is below 2p).
    /// </summary>
    internal static P256FieldElement Square(in P256FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        ulong lo, hi, carry, next;

        // Cross products a_i·a_j, i < j, at words 1..6.
        hi = MultiplyHigh(a0, a1);
        ulong r1 = a0 * a1;
        carry = hi;
        hi = MultiplyHigh(a0, a2);
        lo = (a0 * a2) + carry;
        hi += Bit(lo < carry);
        ulong r2 = lo;
        carry = hi;
        hi = MultiplyHigh(a0, a3);
        lo = (a0 * a3) + carry;
        hi += Bit(lo < carry);
        ulong r3 = lo;
        ulong r4 = hi;
        hi = MultiplyHigh(a1, a2);
        lo = (a1 * a2) + r3;
        hi += Bit(lo < r3);
        r3 = lo;
        carry = hi;
        hi = MultiplyHigh(a1, a3);
        lo = (a1 * a3) + r4;
        hi += Bit(lo < r4);
        lo += carry;
        hi += Bit(lo < carry);
        r4 = lo;
        ulong r5 = hi;
        hi = MultiplyHigh(a2, a3);
        lo = (a2 * a3) + r5;
        hi += Bit(lo < r5);
        r5 = lo;
        ulong r6 = hi;

        // Double them.
        ulong r7 = r6 >> 63;
        r6 = (r6 << 1) | (r5 >> 63);
        r5 = (r5 << 1) | (r4 >> 63);
        r4 = (r4 << 1) | (r3 >> 63);
        r3 = (r3 << 1) | (r2 >> 63);
        r2 = (r2 << 1) | (r1 >> 63);
        r1 <<= 1;

        // Add the squares a_i² at words 2i, 2i + 1.
        ulong r0 = a0 * a0;
        carry = MultiplyHigh(a0, a0);
        r1 += carry;
        carry = Bit(r1 < carry);
        lo = a1 * a1;
        hi = MultiplyHigh(a1, a1);
        r2 += lo;
        next = Bit(r2 < lo);
        r2 += carry;
        carry = next | Bit(r2 < carry);
        r3 += hi;
        next = Bit(r3 < hi);
        r3 += carry;
        carry = next | Bit(r3 < carry);
        lo = a2 * a2;
        hi = MultiplyHigh(a2, a2);
        r4 += lo;
        next = Bit(r4 < lo);
        r4 += carry;
        carry = next | Bit(r4 < carry);
        r5 += hi;
        next = Bit(r5 < hi);
        r5 += carry;
        carry = next | Bit(r5 < carry);
        lo = a3 * a3;
        hi = MultiplyHigh(a3, a3);
        r6 += lo;
        next = Bit(r6 < lo);
        r6 += carry;
        carry = next | Bit(r6 < carry);
        r7 += hi;
        next = Bit(r7 < hi);
        r7 += carry;
        carry = next | Bit(r7 < carry);

        // Reduce the low half: four rounds t = (t + m·p) / 2^64 with m = t0 (each result stays below 2^256).
        ulong t0 = r0, t1 = r1, t2 = r2, t3 = r3, m;
        m = t0;
        carry = m; // m·p0 + t0 = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = (m * P1) + t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = (m * P3) + t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        t3 = hi;
        m = t0;
        carry = m; // m·p0 + t0 = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = (m * P1) + t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = (m * P3) + t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        t3 = hi;
        m = t0;
        carry = m; // m·p0 + t0 = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = (m * P1) + t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = (m * P3) + t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        t3 = hi;
        m = t0;
        carry = m; // m·p0 + t0 = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = (m * P1) + t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = (m * P3) + t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        t3 = hi;

        // Add the high half.
        t0 += r4;
        carry = Bit(t0 < r4);
        t1 += r5;
        next = Bit(t1 < r5);
        t1 += carry;
        carry = next | Bit(t1 < carry);
        t2 += r6;
        next = Bit(t2 < r6);
        t2 += carry;
        carry = next | Bit(t2 < carry);
        t3 += r7;
        next = Bit(t3 < r7);
        t3 += carry;
        carry = next | Bit(t3 < carry);
        return ReduceOnce(t0, t1, t2, t3, carry);
    }

    /// <summary>Montgomery product a·b·2^−256 mod p (CIOS, fully unrolled; −p^−1 mod 2^64 = 1 for this p, so m = t0).</summary>
    internal static P256FieldElement Multiply(in P256FieldElement a, in P256FieldElement b)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5;
        ulong lo, hi, carry, m;

        // Round 0: t += a·b0, then t = (t + m·p) / 2^64.
        ulong b0 = b.L0;
        hi = MultiplyHigh(a0, b0);
        lo = a0 * b0;
        lo += t0;
        hi += Bit(lo < t0);
        t0 = lo;
        carry = hi;
        hi = MultiplyHigh(a1, b0);
        lo = a1 * b0;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t1 = lo;
        carry = hi;
        hi = MultiplyHigh(a2, b0);
        lo = a2 * b0;
        lo += t2;
        hi += Bit(lo < t2);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        hi = MultiplyHigh(a3, b0);
        lo = a3 * b0;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t3 = lo;
        carry = hi;
        t4 += carry;
        t5 = Bit(t4 < carry);
        m = t0;
        carry = m; // m·p0 + t0 = m·(2^64 − 1) + m = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = m * P1;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = m * P3;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        t3 = t4 + carry;
        t4 = t5 + Bit(t3 < carry);

        // Round 1: t += a·b1, then t = (t + m·p) / 2^64.
        ulong b1 = b.L1;
        hi = MultiplyHigh(a0, b1);
        lo = a0 * b1;
        lo += t0;
        hi += Bit(lo < t0);
        t0 = lo;
        carry = hi;
        hi = MultiplyHigh(a1, b1);
        lo = a1 * b1;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t1 = lo;
        carry = hi;
        hi = MultiplyHigh(a2, b1);
        lo = a2 * b1;
        lo += t2;
        hi += Bit(lo < t2);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        hi = MultiplyHigh(a3, b1);
        lo = a3 * b1;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t3 = lo;
        carry = hi;
        t4 += carry;
        t5 = Bit(t4 < carry);
        m = t0;
        carry = m; // m·p0 + t0 = m·(2^64 − 1) + m = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = m * P1;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = m * P3;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        t3 = t4 + carry;
        t4 = t5 + Bit(t3 < carry);

        // Round 2: t += a·b2, then t = (t + m·p) / 2^64.
        ulong b2 = b.L2;
        hi = MultiplyHigh(a0, b2);
        lo = a0 * b2;
        lo += t0;
        hi += Bit(lo < t0);
        t0 = lo;
        carry = hi;
        hi = MultiplyHigh(a1, b2);
        lo = a1 * b2;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t1 = lo;
        carry = hi;
        hi = MultiplyHigh(a2, b2);
        lo = a2 * b2;
        lo += t2;
        hi += Bit(lo < t2);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        hi = MultiplyHigh(a3, b2);
        lo = a3 * b2;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t3 = lo;
        carry = hi;
        t4 += carry;
        t5 = Bit(t4 < carry);
        m = t0;
        carry = m; // m·p0 + t0 = m·(2^64 − 1) + m = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = m * P1;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = m * P3;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        t3 = t4 + carry;
        t4 = t5 + Bit(t3 < carry);

        // Round 3: t += a·b3, then t = (t + m·p) / 2^64.
        ulong b3 = b.L3;
        hi = MultiplyHigh(a0, b3);
        lo = a0 * b3;
        lo += t0;
        hi += Bit(lo < t0);
        t0 = lo;
        carry = hi;
        hi = MultiplyHigh(a1, b3);
        lo = a1 * b3;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t1 = lo;
        carry = hi;
        hi = MultiplyHigh(a2, b3);
        lo = a2 * b3;
        lo += t2;
        hi += Bit(lo < t2);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        hi = MultiplyHigh(a3, b3);
        lo = a3 * b3;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t3 = lo;
        carry = hi;
        t4 += carry;
        t5 = Bit(t4 < carry);
        m = t0;
        carry = m; // m·p0 + t0 = m·(2^64 − 1) + m = m·2^64
        hi = MultiplyHigh(m, P1);
        lo = m * P1;
        lo += t1;
        hi += Bit(lo < t1);
        lo += carry;
        hi += Bit(lo < carry);
        t0 = lo;
        carry = hi;
        t1 = t2 + carry; // p2 = 0
        carry = Bit(t1 < carry);
        hi = MultiplyHigh(m, P3);
        lo = m * P3;
        lo += t3;
        hi += Bit(lo < t3);
        lo += carry;
        hi += Bit(lo < carry);
        t2 = lo;
        carry = hi;
        t3 = t4 + carry;
        t4 = t5 + Bit(t3 < carry);

        return ReduceOnce(t0, t1, t2, t3, t4);
    }

    /// <summary>
    /// a^(p−2) = a^−1 (Fermat); zero maps to zero. A fixed addition chain for the public exponent (255 squarings,
    /// 13 multiplications instead of 128 with plain square-and-multiply).
    /// </summary>
    internal static P256FieldElement Invert(in P256FieldElement a)
    {
        // xN = a^(2^N − 1), a run of N one bits.
        P256FieldElement x2 = Multiply(Square(a), a);
        P256FieldElement x4 = Multiply(SquareTimes(x2, 2), x2);
        P256FieldElement x8 = Multiply(SquareTimes(x4, 4), x4);
        P256FieldElement x16 = Multiply(SquareTimes(x8, 8), x8);
        P256FieldElement x24 = Multiply(SquareTimes(x16, 8), x8);
        P256FieldElement x28 = Multiply(SquareTimes(x24, 4), x4);
        P256FieldElement x30 = Multiply(SquareTimes(x28, 2), x2);
        P256FieldElement x32 = Multiply(SquareTimes(x30, 2), x2);

        // p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (big-endian 32-bit words).
        P256FieldElement t = Multiply(SquareTimes(x32, 32), a);
        t = SquareTimes(t, 96);
        t = Multiply(SquareTimes(t, 32), x32);
        t = Multiply(SquareTimes(t, 32), x32);
        t = Multiply(SquareTimes(t, 30), x30); // fffffffd = thirty ones, then 0, then 1
        return Multiply(SquareTimes(t, 2), a);
    }

    /// <summary>a^(2^count) by repeated squaring (count is public).</summary>
    private static P256FieldElement SquareTimes(in P256FieldElement a, int count)
    {
        P256FieldElement result = a;
        for (int i = 0; i < count; i++)
        {
            result = Square(result);
        }

        return result;
    }

    /// <summary>Returns (carry·2^256 + s) mod p for a value below 2p (one masked subtraction of p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256FieldElement ReduceOnce(ulong s0, ulong s1, ulong s2, ulong s3, ulong carry)
    {
        ulong d0 = s0 - P0;
        ulong borrow = Bit(s0 < P0);
        ulong d1 = s1 - P1;
        ulong next = Bit(s1 < P1);
        next |= Bit(d1 < borrow);
        d1 -= borrow;
        borrow = next;
        ulong d2 = s2 - borrow; // p2 = 0
        borrow = Bit(s2 < borrow);
        ulong d3 = s3 - P3;
        next = Bit(s3 < P3);
        next |= Bit(d3 < borrow);
        d3 -= borrow;
        borrow = next;

        // The value minus p is negative exactly when there was no carry out and the subtraction borrowed.
        ulong keep = 0 - (borrow & (carry ^ 1));
        return new P256FieldElement(
            d0 ^ (keep & (d0 ^ s0)),
            d1 ^ (keep & (d1 ^ s1)),
            d2 ^ (keep & (d2 ^ s2)),
            d3 ^ (keep & (d3 ^ s3)));
    }

    /// <summary>
    /// The high word of a·b. With BMI2 this is a single MULX whose result stays in registers (Math.BigMul's low-word
    /// out-parameter makes the JIT spill every product to the stack); the low word is a plain a·b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyHigh(ulong a, ulong b) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    /// <summary>0 or 1 from a comparison result, without a branch (the IL is a compare instruction, not a jump).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit(bool value) => Unsafe.BitCast<bool, byte>(value);
}
