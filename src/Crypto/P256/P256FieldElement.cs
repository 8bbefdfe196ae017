using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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
        ulong borrow = 0;
        Sbb(raw.L0, P0, ref borrow);
        Sbb(raw.L1, P1, ref borrow);
        Sbb(raw.L2, P2, ref borrow);
        Sbb(raw.L3, P3, ref borrow);
        result = Multiply(raw, s_rSquared);
        return borrow == 1;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Add(in P256FieldElement a, in P256FieldElement b)
    {
        ulong carry = 0;
        ulong s0 = Adc(a.L0, b.L0, ref carry);
        ulong s1 = Adc(a.L1, b.L1, ref carry);
        ulong s2 = Adc(a.L2, b.L2, ref carry);
        ulong s3 = Adc(a.L3, b.L3, ref carry);
        return ReduceOnce(s0, s1, s2, s3, carry);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256FieldElement Subtract(in P256FieldElement a, in P256FieldElement b)
    {
        ulong borrow = 0;
        ulong d0 = Sbb(a.L0, b.L0, ref borrow);
        ulong d1 = Sbb(a.L1, b.L1, ref borrow);
        ulong d2 = Sbb(a.L2, b.L2, ref borrow);
        ulong d3 = Sbb(a.L3, b.L3, ref borrow);
        // On underflow add p back (masked, no branch).
        ulong mask = 0 - borrow;
        ulong carry = 0;
        d0 = Adc(d0, P0 & mask, ref carry);
        d1 = Adc(d1, P1 & mask, ref carry);
        d2 = Adc(d2, P2 & mask, ref carry);
        d3 = Adc(d3, P3 & mask, ref carry);
        return new P256FieldElement(d0, d1, d2, d3);
    }

    internal static P256FieldElement Negate(in P256FieldElement a) => Subtract(Zero, a);

    internal static P256FieldElement Square(in P256FieldElement a) => Multiply(a, a);

    /// <summary>Montgomery product a·b·2^−256 mod p (CIOS; −p^−1 mod 2^64 = 1 for this p, so m = t0).</summary>
    internal static P256FieldElement Multiply(in P256FieldElement a, in P256FieldElement b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        MultiplyRound(a, b.L0, ref t0, ref t1, ref t2, ref t3, ref t4);
        MultiplyRound(a, b.L1, ref t0, ref t1, ref t2, ref t3, ref t4);
        MultiplyRound(a, b.L2, ref t0, ref t1, ref t2, ref t3, ref t4);
        MultiplyRound(a, b.L3, ref t0, ref t1, ref t2, ref t3, ref t4);
        return ReduceOnce(t0, t1, t2, t3, t4);
    }

    /// <summary>a^(p−2) = a^−1 (Fermat); zero maps to zero. Square-and-multiply over the public exponent.</summary>
    internal static P256FieldElement Invert(in P256FieldElement a)
    {
        // p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (big-endian 32-bit words).
        ReadOnlySpan<uint> exponent = [0xffffffff, 0x00000001, 0x00000000, 0x00000000, 0x00000000, 0xffffffff, 0xffffffff, 0xfffffffd];
        P256FieldElement result = One;
        foreach (uint word in exponent)
        {
            for (int bit = 31; bit >= 0; bit--)
            {
                result = Square(result);
                if (((word >> bit) & 1) != 0)
                {
                    result = Multiply(result, a);
                }
            }
        }

        return result;
    }

    /// <summary>One CIOS round: t = (t + a·bi + m·p) / 2^64 with m = t0 + a0·bi mod 2^64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyRound(
        in P256FieldElement a, ulong bi, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        ulong carry = 0;
        t0 = Mac(a.L0, bi, t0, ref carry);
        t1 = Mac(a.L1, bi, t1, ref carry);
        t2 = Mac(a.L2, bi, t2, ref carry);
        t3 = Mac(a.L3, bi, t3, ref carry);
        ulong top = 0;
        t4 = Adc(t4, carry, ref top);

        ulong m = t0;
        carry = 0;
        Mac(m, P0, t0, ref carry); // the low word is zero by the choice of m
        t0 = Mac(m, P1, t1, ref carry);
        t1 = Adc(t2, 0, ref carry); // p2 = 0: only the carry moves
        t2 = Mac(m, P3, t3, ref carry);
        t3 = Adc(t4, 0, ref carry);
        t4 = top + carry;
    }

    /// <summary>Returns (carry·2^256 + s) mod p for a value below 2p (one masked subtraction of p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256FieldElement ReduceOnce(ulong s0, ulong s1, ulong s2, ulong s3, ulong carry)
    {
        ulong borrow = 0;
        ulong d0 = Sbb(s0, P0, ref borrow);
        ulong d1 = Sbb(s1, P1, ref borrow);
        ulong d2 = Sbb(s2, P2, ref borrow);
        ulong d3 = Sbb(s3, P3, ref borrow);
        // The value minus p is negative exactly when there was no carry out and the subtraction borrowed.
        ulong keep = 0 - (borrow & (carry ^ 1));
        return new P256FieldElement(
            d0 ^ (keep & (d0 ^ s0)),
            d1 ^ (keep & (d1 ^ s1)),
            d2 ^ (keep & (d2 ^ s2)),
            d3 ^ (keep & (d3 ^ s3)));
    }

    /// <summary>a + b + carry; carry (0 or 1) is updated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Adc(ulong a, ulong b, ref ulong carry)
    {
        UInt128 sum = (UInt128)a + b + carry;
        carry = (ulong)(sum >> 64);
        return (ulong)sum;
    }

    /// <summary>a − b − borrow; borrow (0 or 1) is updated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Sbb(ulong a, ulong b, ref ulong borrow)
    {
        UInt128 difference = (UInt128)a - b - borrow;
        borrow = (ulong)(difference >> 64) & 1;
        return (ulong)difference;
    }

    /// <summary>a·b + c + carry; never overflows 128 bits. carry receives the high word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mac(ulong a, ulong b, ulong c, ref ulong carry)
    {
        UInt128 t = Math.BigMul(a, b) + c + carry;
        carry = (ulong)(t >> 64);
        return (ulong)t;
    }
}
