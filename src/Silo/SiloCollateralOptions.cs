using Kms.Attestation.Collateral;

namespace Kms.Silo;

/// <summary>Keeping the attestation collateral directory fresh (section <c>Silo:Collateral</c>).</summary>
public sealed class SiloCollateralOptions
{
    /// <summary>
    /// Renew the collateral in <see cref="KmsSiloOptions.CollateralDirectory"/> from Intel PCS and AMD KDS in the
    /// background, before each item's nextUpdate, keeping the last good copy when a download fails or does not verify.
    /// Needs outbound HTTPS to those services. Default: off (the silo uses what the directory holds).
    /// </summary>
    public bool Refresh { get; set; }

    /// <summary>What to keep fresh (TDX/SGX FMSPCs, PCK CAs, AMD families, cached VCEKs) and when.</summary>
    public CollateralRefreshOptions Items { get; set; } = new();
}
