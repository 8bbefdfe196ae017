namespace Kms.Attestation.Collateral;

/// <summary>Where <see cref="OnlineCollateralFetcher"/> fetches collateral from, and its limits.</summary>
public sealed class CollateralFetcherOptions
{
    /// <summary>Intel PCS base address. Default <c>https://api.trustedservices.intel.com/</c> (v4 API paths are appended).</summary>
    public Uri IntelPcsBaseUri { get; set; } = new("https://api.trustedservices.intel.com/");

    /// <summary>
    /// The Intel SGX Root CA CRL (the distribution point named in the root certificate).
    /// Default <c>https://certificates.trustedservices.intel.com/IntelSGXRootCA.der</c>.
    /// </summary>
    public Uri IntelRootCrlUri { get; set; } = new("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

    /// <summary>AMD Key Distribution Service base address. Default <c>https://kdsintf.amd.com/</c>.</summary>
    public Uri AmdKdsBaseUri { get; set; } = new("https://kdsintf.amd.com/");

    /// <summary>Largest response body accepted, in bytes. Default 1 MiB (real collateral is tens of kilobytes).</summary>
    public int MaxResponseBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Allow plain-http JWKS issuers. Default false: MAA issuers are https. Only loopback test servers need true.
    /// </summary>
    public bool AllowHttpIssuers { get; set; }
}
