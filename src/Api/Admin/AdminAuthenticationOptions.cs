namespace Kms.Api.Admin;

/// <summary>How signed admin requests are checked (see <see cref="KmsAdminEndpointExtensions.RequireKmsAdmin{TBuilder}"/>).</summary>
public sealed class AdminAuthenticationOptions
{
    /// <summary>
    /// How far a request's <c>Kms-Timestamp</c> may be from the server's clock, either way. A nonce is remembered for
    /// timestamp + this. Default: 5 minutes. Must be more than zero and at most one hour.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The largest body an admin request may carry; it is buffered whole to be hashed, and a larger one is answered
    /// with 413. Default: 1 MiB (1,048,576 bytes). Must be more than zero and at most 64 MiB.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many nonces <see cref="InMemoryAdminNonceStore"/> holds at once; when it is full of unexpired nonces, new
    /// admin requests get 503 until some expire (never forgets a live nonce). Default: 10,000. Must be more than zero.
    /// </summary>
    public int NonceStoreCapacity { get; set; } = 10_000;

    internal static readonly TimeSpan MaxAllowedClockSkew = TimeSpan.FromHours(1);

    internal const int MaxAllowedBodyBytes = 64 * 1024 * 1024;

    /// <summary>The first problem with these options, or <see langword="null"/> when they are valid.</summary>
    internal string? Validate()
    {
        if (MaxClockSkew <= TimeSpan.Zero || MaxClockSkew > MaxAllowedClockSkew)
        {
            return $"{nameof(MaxClockSkew)} must be more than zero and at most {MaxAllowedClockSkew}.";
        }

        if (MaxBodyBytes is <= 0 or > MaxAllowedBodyBytes)
        {
            return $"{nameof(MaxBodyBytes)} must be more than zero and at most {MaxAllowedBodyBytes}.";
        }

        return NonceStoreCapacity <= 0 ? $"{nameof(NonceStoreCapacity)} must be more than zero." : null;
    }
}
