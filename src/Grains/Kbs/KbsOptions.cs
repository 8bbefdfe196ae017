namespace Kms.Grains.Kbs;

/// <summary>How the reference-KBS front end behaves; bound from <c>Silo:Grains:Kbs</c>.</summary>
public sealed class KbsOptions
{
    /// <summary>
    /// How long a session lives from <c>/auth</c>: its attestation and its one release must both happen within it.
    /// Default: 5 minutes (the reference keeps sessions 3 hours).
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Seals to an RSA <c>tee-pubkey</c> with <c>"alg":"RSA"</c> using RSA PKCS#1 v1.5, as the reference KBS does, and
    /// accepts <c>"alg":"RSA1_5"</c>. Weak (malleable, padding oracles on the client side): only for clients that cannot
    /// do anything else. Default: <see langword="false"/>, RSA-OAEP with SHA-256.
    /// </summary>
    public bool RsaPkcs1V15Compatibility { get; set; }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionLifetime, TimeSpan.Zero, nameof(SessionLifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SessionLifetime, TimeSpan.FromHours(3), nameof(SessionLifetime));
    }
}
