namespace Kms.Crypto.Sharing;

/// <summary>
/// GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), the field of HashiCorp Vault's
/// <c>shamir</c> package. Multiplication is bitwise and branch-free on the operands (no secret-indexed table
/// lookups); the log/exp tables (generator 0xE5, as in Vault's tables.go) are kept for cross-checking only.
/// </summary>
internal static class Gf256
{
    /// <summary>The generator Vault's tables use.</summary>
    public const byte Generator = 0xE5;

    /// <summary>expTable[i] = g^i for i in [0, 255] (expTable[255] = 1, as in Vault).</summary>
    public static readonly byte[] ExpTable = BuildExpTable();

    /// <summary>logTable[x] = log_g(x); logTable[0] = 0 (unused) and logTable[1] = 0xFF, as in Vault.</summary>
    public static readonly byte[] LogTable = BuildLogTable(ExpTable);

    public static byte Add(byte a, byte b) => (byte)(a ^ b);

    /// <summary>Carry-less multiplication reduced by 0x11B, without data-dependent branches.</summary>
    public static byte Multiply(byte a, byte b)
    {
        int result = 0;
        int x = a;
        int y = b;
        for (int i = 0; i < 8; i++)
        {
            result ^= x & -(y & 1);
            y >>= 1;
            int carry = -((x >> 7) & 1);
            x = ((x << 1) ^ (0x1B & carry)) & 0xFF;
        }

        return (byte)result;
    }

    /// <summary>a^254 = a^-1 for a ≠ 0 (and 0 for a = 0), by square-and-multiply with a fixed sequence.</summary>
    public static byte Inverse(byte a)
    {
        byte b = Multiply(a, a);       // a^2
        byte c = Multiply(a, b);       // a^3
        b = Multiply(c, c);            // a^6
        b = Multiply(b, b);            // a^12
        c = Multiply(b, c);            // a^15
        b = Multiply(b, b);            // a^24
        b = Multiply(b, b);            // a^48
        b = Multiply(b, c);            // a^63
        b = Multiply(b, b);            // a^126
        b = Multiply(a, b);            // a^127
        return Multiply(b, b);         // a^254
    }

    /// <summary>a / b; b must be non-zero.</summary>
    public static byte Divide(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("Division by zero in GF(2^8).");
        }

        return Multiply(a, Inverse(b));
    }

    private static byte[] BuildExpTable()
    {
        byte[] table = new byte[256];
        byte value = 1;
        for (int i = 0; i < 256; i++)
        {
            table[i] = value;
            value = Multiply(value, Generator);
        }

        return table;
    }

    private static byte[] BuildLogTable(byte[] exp)
    {
        byte[] table = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            // i = 255 overwrites log(1) with 0xFF, which is what Vault's table holds.
            table[exp[i]] = (byte)i;
        }

        table[0] = 0;
        return table;
    }
}
