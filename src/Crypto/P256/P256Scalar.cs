using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.P256;

/// <summary>
/// An element of the P-256 scalar field Z/nZ (n the group order), held in Montgomery form (a·2^256 mod n) as four
/// little-endian 64-bit limbs, always fully reduced (&lt; n).
/// </summary>
/// <remarks>
/// Every operation is constant time in the values: no branch and no memory index depends on the limbs, carries come
/// from comparisons turned into 0/1 values, reductions use masks. This is the arithmetic for secret scalars (proof
/// responses s = r − c·k, shares); BouncyCastle's BigInteger is variable time and cannot be wiped. Call
/// <see cref="Clear"/> on locals that held secrets.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct P256Scalar
{
    private const ulong N0 = 0xF3B9CAC2FC632551;
    private const ulong N1 = 0xBCE6FAADA7179E84;
    private const ulong N2 = 0xFFFFFFFFFFFFFFFF;
    private const ulong N3 = 0xFFFFFFFF00000000;

    // −n^−1 mod 2^64: the Montgomery factor of each reduction round.
    private const ulong NPrime = 0xCCD1C8AAEE00BC4F;

    // R^2 mod n with R = 2^256: multiplying by it converts into Montgomery form.
    private static readonly P256Scalar s_rSquared = new(0x83244C95BE79EEA2, 0x4699799C49BD6FA6, 0x2845B2392B6BEC59, 0x66E12D94F3D95620);

    private ulong _l0;
    private ulong _l1;
    private ulong _l2;
    private ulong _l3;

    private P256Scalar(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _l0 = l0;
        _l1 = l1;
        _l2 = l2;
        _l3 = l3;
    }

    /// <summary>Zero.</summary>
    internal static P256Scalar Zero => default;

    /// <summary>
    /// Reads a 32-byte big-endian integer. Returns false (with a zero result) when the value is not below n; the
    /// comparison itself is constant time, only its outcome is revealed.
    /// </summary>
    internal static bool TryFromBytes(ReadOnlySpan<byte> bigEndian, out P256Scalar result)
    {
        if (bigEndian.Length != 32)
        {
            throw new ArgumentException("A scalar is 32 bytes.", nameof(bigEndian));
        }

        var raw = new P256Scalar(
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian));
        // raw < n exactly when subtracting n borrows.
        SubtractN(raw._l0, raw._l1, raw._l2, raw._l3, out _, out _, out _, out _, out ulong borrow);
        result = Multiply(raw, s_rSquared);
        bool valid = borrow != 0;
        if (!valid)
        {
            result = Zero;
        }

        raw.Clear();
        return valid;
    }

    /// <summary>Reads a 32-byte big-endian integer below n.</summary>
    /// <exception cref="CryptographicFormatException">The value is not below n.</exception>
    internal static P256Scalar FromBytes(ReadOnlySpan<byte> bigEndian) =>
        TryFromBytes(bigEndian, out P256Scalar result)
            ? result
            : throw new CryptographicFormatException("The scalar is not reduced modulo the P-256 group order.");

    /// <summary>Converts a BouncyCastle integer in [0, n) (the serialization buffer is zeroed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not reduced modulo n.</exception>
    internal static P256Scalar FromBigInteger(BigInteger value)
    {
        Span<byte> buffer = stackalloc byte[32];
        try
        {
            P256Curve.EncodeScalar(value, buffer);
            return FromBytes(buffer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>The value as a BouncyCastle integer (for APIs that still take one; it cannot be wiped).</summary>
    internal readonly BigInteger ToBigInteger()
    {
        Span<byte> buffer = stackalloc byte[32];
        ToBytes(buffer);
        var value = new BigInteger(1, buffer.ToArray());
        CryptographicOperations.ZeroMemory(buffer);
        return value;
    }

    /// <summary>Writes the (non-Montgomery) value as 32 big-endian bytes.</summary>
    internal readonly void ToBytes(Span<byte> bigEndian)
    {
        if (bigEndian.Length < 32)
        {
            throw new ArgumentException("The destination must be at least 32 bytes.", nameof(bigEndian));
        }

        P256Scalar plain = Multiply(this, new P256Scalar(1, 0, 0, 0));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, plain._l3);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], plain._l2);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[16..], plain._l1);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[24..], plain._l0);
        plain.Clear();
    }

    /// <summary>True when the scalar is zero (the value is revealed only through the result).</summary>
    internal readonly bool IsZero => (_l0 | _l1 | _l2 | _l3) == 0;

    /// <summary>Constant-time equality.</summary>
    internal static bool AreEqual(in P256Scalar a, in P256Scalar b) =>
        ((a._l0 ^ b._l0) | (a._l1 ^ b._l1) | (a._l2 ^ b._l2) | (a._l3 ^ b._l3)) == 0;

    /// <summary>(a + b) mod n.</summary>
    internal static P256Scalar Add(in P256Scalar a, in P256Scalar b)
    {
        ulong s0 = AddWithCarry(a._l0, b._l0, 0, out ulong carry);
        ulong s1 = AddWithCarry(a._l1, b._l1, carry, out carry);
        ulong s2 = AddWithCarry(a._l2, b._l2, carry, out carry);
        ulong s3 = AddWithCarry(a._l3, b._l3, carry, out carry);
        return ReduceOnce(s0, s1, s2, s3, carry);
    }

    /// <summary>(a − b) mod n.</summary>
    internal static P256Scalar Subtract(in P256Scalar a, in P256Scalar b)
    {
        ulong d0 = SubtractWithBorrow(a._l0, b._l0, 0, out ulong borrow);
        ulong d1 = SubtractWithBorrow(a._l1, b._l1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(a._l2, b._l2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(a._l3, b._l3, borrow, out borrow);

        // On underflow add n back (masked, no branch).
        ulong mask = 0 - borrow;
        ulong r0 = AddWithCarry(d0, N0 & mask, 0, out ulong carry);
        ulong r1 = AddWithCarry(d1, N1 & mask, carry, out carry);
        ulong r2 = AddWithCarry(d2, N2 & mask, carry, out carry);
        ulong r3 = AddWithCarry(d3, N3 & mask, carry, out _);
        return new P256Scalar(r0, r1, r2, r3);
    }

    /// <summary>(−a) mod n.</summary>
    internal static P256Scalar Negate(in P256Scalar a) => Subtract(Zero, a);

    /// <summary>
    /// Montgomery product a·b·2^−256 mod n (CIOS: four rounds of t += a·b_i, then t = (t + m·n) / 2^64 with
    /// m = t_0·(−n^−1) mod 2^64; t stays below 2n, one masked subtraction at the end).
    /// </summary>
    internal static P256Scalar Multiply(in P256Scalar a, in P256Scalar b)
    {
        Span<ulong> t = stackalloc ulong[6];
        t.Clear();
        ReadOnlySpan<ulong> bl = [b._l0, b._l1, b._l2, b._l3];
        for (int i = 0; i < 4; i++)
        {
            ulong bi = bl[i];
            ulong carry = 0;
            t[0] = MultiplyAdd(a._l0, bi, t[0], carry, out carry);
            t[1] = MultiplyAdd(a._l1, bi, t[1], carry, out carry);
            t[2] = MultiplyAdd(a._l2, bi, t[2], carry, out carry);
            t[3] = MultiplyAdd(a._l3, bi, t[3], carry, out carry);
            t[4] = AddWithCarry(t[4], carry, 0, out t[5]);

            ulong m = t[0] * NPrime;
            MultiplyAdd(m, N0, t[0], 0, out carry); // the low word is zero by the choice of m
            t[0] = MultiplyAdd(m, N1, t[1], carry, out carry);
            t[1] = MultiplyAdd(m, N2, t[2], carry, out carry);
            t[2] = MultiplyAdd(m, N3, t[3], carry, out carry);
            t[3] = AddWithCarry(t[4], carry, 0, out ulong top);
            t[4] = t[5] + top;
        }

        P256Scalar result = ReduceOnce(t[0], t[1], t[2], t[3], t[4]);
        t.Clear();
        return result;
    }

    /// <summary>a^(n−2) = a^−1 (Fermat); zero maps to zero. The exponent is public, so the square-and-multiply is fixed.</summary>
    internal static P256Scalar Invert(in P256Scalar a)
    {
        ReadOnlySpan<ulong> exponent = [N0 - 2, N1, N2, N3];
        P256Scalar result = Multiply(new P256Scalar(1, 0, 0, 0), s_rSquared); // one, in Montgomery form
        for (int bit = 255; bit >= 0; bit--)
        {
            result = Multiply(result, result);
            if (((exponent[bit >> 6] >> (bit & 63)) & 1) != 0)
            {
                result = Multiply(result, a);
            }
        }

        return result;
    }

    /// <summary>Overwrites the limbs with zeros.</summary>
    internal void Clear()
    {
        _l0 = 0;
        _l1 = 0;
        _l2 = 0;
        _l3 = 0;
    }

    /// <summary>Returns (carry·2^256 + s) mod n for a value below 2n (one masked subtraction of n).</summary>
    private static P256Scalar ReduceOnce(ulong s0, ulong s1, ulong s2, ulong s3, ulong carry)
    {
        SubtractN(s0, s1, s2, s3, out ulong d0, out ulong d1, out ulong d2, out ulong d3, out ulong borrow);

        // The value minus n is negative exactly when there was no carry out and the subtraction borrowed.
        ulong keep = 0 - (borrow & (carry ^ 1));
        return new P256Scalar(
            d0 ^ (keep & (d0 ^ s0)),
            d1 ^ (keep & (d1 ^ s1)),
            d2 ^ (keep & (d2 ^ s2)),
            d3 ^ (keep & (d3 ^ s3)));
    }

    private static void SubtractN(
        ulong s0, ulong s1, ulong s2, ulong s3, out ulong d0, out ulong d1, out ulong d2, out ulong d3, out ulong borrow)
    {
        d0 = SubtractWithBorrow(s0, N0, 0, out borrow);
        d1 = SubtractWithBorrow(s1, N1, borrow, out borrow);
        d2 = SubtractWithBorrow(s2, N2, borrow, out borrow);
        d3 = SubtractWithBorrow(s3, N3, borrow, out borrow);
    }

    /// <summary>a·b + addend + carryIn as a 128-bit value (never overflows): returns the low word, the high word in carryOut.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyAdd(ulong a, ulong b, ulong addend, ulong carryIn, out ulong carryOut)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        low = AddWithCarry(low, addend, 0, out ulong c1);
        low = AddWithCarry(low, carryIn, 0, out ulong c2);
        carryOut = high + c1 + c2;
        return low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong a, ulong b, ulong carryIn, out ulong carryOut)
    {
        ulong sum = a + b;
        ulong carry = Bit(sum < a);
        ulong result = sum + carryIn;
        carryOut = carry | Bit(result < carryIn);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractWithBorrow(ulong a, ulong b, ulong borrowIn, out ulong borrowOut)
    {
        ulong difference = a - b;
        ulong borrow = Bit(a < b);
        ulong result = difference - borrowIn;
        borrowOut = borrow | Bit(difference < borrowIn);
        return result;
    }

    /// <summary>0 or 1 from a comparison result, without a branch (the IL is a compare instruction, not a jump).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit(bool value) => Unsafe.BitCast<bool, byte>(value);
}
