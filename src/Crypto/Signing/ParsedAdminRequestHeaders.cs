namespace Kms.Crypto.Signing;

/// <summary>Admin request headers that passed strict parsing (<see cref="AdminRequestSignature.TryParse"/>).</summary>
public sealed class ParsedAdminRequestHeaders
{
    private readonly byte[] _signature;

    internal ParsedAdminRequestHeaders(string keyId, string timestampText, long unixSeconds, string nonce, byte[] signature)
    {
        KeyId = keyId;
        TimestampText = timestampText;
        UnixSeconds = unixSeconds;
        Nonce = nonce;
        _signature = signature;
    }

    /// <summary>The admin's key id.</summary>
    public string KeyId { get; }

    /// <summary>The timestamp as sent (it is signed as text).</summary>
    public string TimestampText { get; }

    /// <summary>The timestamp in unix seconds.</summary>
    public long UnixSeconds { get; }

    /// <summary>The timestamp as an instant.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeSeconds(UnixSeconds);

    /// <summary>The nonce as sent: the base64url text is what is signed and what replay protection tracks.</summary>
    public string Nonce { get; }

    /// <summary>The 64-byte IEEE P1363 (r‖s) signature.</summary>
    public ReadOnlySpan<byte> Signature => _signature;
}
