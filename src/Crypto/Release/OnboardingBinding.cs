using System.Security.Cryptography;
using System.Text;

namespace Kms.Crypto.Release;

/// <summary>
/// What a silo asking to join the committee binds in its attestation evidence. The request hash is
/// <c>SHA-256("Orleans.Kms onboarding v1" ‖ 0x00 ‖ silo name (ASCII) ‖ 0x00 ‖ nonce (32))</c>; the evidence's report
/// data is that hash followed by 32 zero bytes. The hash names the request (it is the onboarding grain's key), so
/// evidence made for one silo name cannot be presented for another.
/// </summary>
public static class OnboardingBinding
{
    /// <summary>The size of the nonce the joining silo chooses, and of the request hash.</summary>
    public const int NonceSize = 32;

    /// <summary>The longest silo name (the silo options and silo-bound grain keys allow 63 characters).</summary>
    public const int MaxSiloNameLength = 63;

    private static ReadOnlySpan<byte> Label => "Orleans.Kms onboarding v1"u8;

    /// <summary>Whether <paramref name="siloName"/> is 1–63 printable ASCII characters other than '/' (a silo-bound grain
    /// key starts with it).</summary>
    public static bool IsValidSiloName(string? siloName) =>
        siloName is { Length: > 0 and <= MaxSiloNameLength } && siloName.All(c => c is > ' ' and <= '~' and not '/');

    /// <summary>The request hash.</summary>
    /// <exception cref="ArgumentException">The silo name is not valid, or the nonce is not 32 bytes.</exception>
    public static byte[] RequestHash(string siloName, ReadOnlySpan<byte> nonce)
    {
        if (!IsValidSiloName(siloName))
        {
            throw new ArgumentException(
                $"A silo name is 1 to {MaxSiloNameLength} printable ASCII characters without spaces or '/'.", nameof(siloName));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"The nonce is {NonceSize} bytes.", nameof(nonce));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        hash.AppendData([0]);
        hash.AppendData(Encoding.ASCII.GetBytes(siloName));
        hash.AppendData([0]);
        hash.AppendData(nonce);
        return hash.GetHashAndReset();
    }

    /// <summary>The 64 bytes of report data: the request hash, then 32 zero bytes.</summary>
    /// <exception cref="ArgumentException">The silo name is not valid, or the nonce is not 32 bytes.</exception>
    public static byte[] ReportData(string siloName, ReadOnlySpan<byte> nonce)
    {
        byte[] reportData = new byte[ReleaseBinding.ReportDataSize];
        RequestHash(siloName, nonce).CopyTo(reportData, 0);
        return reportData;
    }
}
