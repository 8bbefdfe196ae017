using System.Globalization;

namespace Kms.Governance.Canonical;

/// <summary>
/// Formats an IEEE-754 double the way ECMA-262 Number::toString (radix 10) does, which RFC 8785 §3.2.2.3 requires.
/// </summary>
/// <remarks>
/// .NET (Core 3.0 and later) formats "R" with the shortest digit string that round-trips, which is exactly the
/// digit string k/s of ECMA-262 §6.1.6.1.20 step 5 (the closest such string, as ES Note 2 recommends).
/// Only the layout differs, so this class re-lays the digits out by the ES rules.
/// </remarks>
public static class EcmaScriptNumberFormatter
{
    /// <summary>Formats <paramref name="value"/>; -0 formats as "0".</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite (not representable in JSON).</exception>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "NaN and infinities have no JSON representation.");
        }

        if (value == 0)
        {
            return "0";
        }

        string shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        (string digits, int n) = Decompose(shortest);
        string body = Layout(digits, n);
        return value < 0 ? "-" + body : body;
    }

    /// <summary>
    /// Splits .NET's shortest round-trip text (e.g. "1.2345E-07", "0.001", "123.45") into the digit string s
    /// (no leading or trailing zeros) and n such that value = 0.s × 10^n.
    /// </summary>
    private static (string Digits, int N) Decompose(string text)
    {
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        string mantissa = text;
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = text[..e];
        }

        int dot = mantissa.IndexOf('.');
        string integerPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fractionPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        string all = integerPart + fractionPart;

        int leadingZeros = 0;
        while (leadingZeros < all.Length && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        string digits = all[leadingZeros..].TrimEnd('0');
        int n = integerPart.Length + exponent - leadingZeros;
        return (digits, n);
    }

    /// <summary>ECMA-262 §6.1.6.1.20 steps 6-10 for a positive value with digits s (length k) and exponent n.</summary>
    private static string Layout(string digits, int n)
    {
        int k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return digits[..n] + "." + digits[n..];
        }

        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        int exponent = n - 1;
        string sign = exponent < 0 ? "-" : "+";
        string magnitude = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        return k == 1
            ? digits + "e" + sign + magnitude
            : digits[..1] + "." + digits[1..] + "e" + sign + magnitude;
    }
}
