using System.Globalization;
using System.Numerics;

namespace Kms.Governance.Abi;

/// <summary>What a reverted call returned, decoded as far as the known errors allow.</summary>
/// <param name="Data">The raw revert data (may be empty: <c>revert()</c> or out of gas).</param>
/// <param name="Error">The matching error, or null when the selector is unknown or the data is malformed.</param>
/// <param name="Arguments">The decoded arguments of <paramref name="Error"/> (empty otherwise).</param>
public sealed record RevertReason(byte[] Data, AbiError? Error, IReadOnlyList<object?> Arguments)
{
    /// <summary>The <c>Error(string)</c> message, if that is what the data holds.</summary>
    public string? Message => Error == AbiError.ErrorString ? (string?)Arguments[0] : null;

    /// <summary>The <c>Panic(uint256)</c> code, if that is what the data holds.</summary>
    public BigInteger? PanicCode => Error == AbiError.Panic ? (BigInteger?)Arguments[0] : null;

    /// <summary>
    /// Decodes revert data: <c>Error(string)</c>, <c>Panic(uint256)</c>, then the given custom errors by selector.
    /// Never throws on malformed data; an unknown or malformed payload yields <see cref="Error"/> = null.
    /// </summary>
    public static RevertReason Decode(ReadOnlySpan<byte> data, IEnumerable<AbiError>? customErrors = null)
    {
        IEnumerable<AbiError> candidates = [AbiError.ErrorString, AbiError.Panic, .. customErrors ?? []];
        foreach (AbiError error in candidates)
        {
            if (!error.Matches(data))
            {
                continue;
            }

            try
            {
                return new RevertReason(data.ToArray(), error, error.DecodeArguments(data));
            }
            catch (AbiDecodingException)
            {
                break;
            }
        }

        return new RevertReason(data.ToArray(), null, []);
    }

    /// <summary>A human-readable description (no secrets: revert data is public chain data).</summary>
    public override string ToString() => Error switch
    {
        null when Data.Length == 0 => "reverted without data",
        null => "reverted with unknown data 0x" + Convert.ToHexStringLower(Data.AsSpan(0, Math.Min(Data.Length, 68))),
        _ when Message is not null => $"Error(\"{Message}\")",
        _ when PanicCode is BigInteger code => "Panic(0x" + code.ToString("x2", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(2, '0') + ")",
        _ => Error.Name + "(" + string.Join(", ", Arguments.Select(FormatArgument)) + ")",
    };

    private static string FormatArgument(object? value) => value switch
    {
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        object?[] items => "[" + string.Join(", ", items.Select(FormatArgument)) + "]",
        BigInteger number => number.ToString(CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };
}
