namespace Kms.Attestation.Collateral;

/// <summary>What a <see cref="CollateralRefresher"/> keeps fresh, and when.</summary>
public sealed class CollateralRefreshOptions
{
    /// <summary>FMSPCs (12 hex digits) of TDX platforms whose TCB info is kept; with any, also the TD_QE identity. Default none.</summary>
    public IList<string> TdxFmspcs { get; set; } = [];

    /// <summary>FMSPCs of SGX platforms whose TCB info is kept; with any, also the SGX QE identity. Default none.</summary>
    public IList<string> SgxFmspcs { get; set; } = [];

    /// <summary>
    /// PCK CAs ("platform", "processor") whose CRLs are kept, with the Intel SGX Root CA CRL, when any FMSPC is
    /// configured. Default both.
    /// </summary>
    public IList<string> IntelPckCas { get; set; } = ["platform", "processor"];

    /// <summary>AMD processor families ("Milan", "Genoa", "Turin") whose KDS CRLs (VCEK and VLEK) are kept. Default none.</summary>
    public IList<string> AmdFamilies { get; set; } = [];

    /// <summary>Also renew the VCEKs found in the cache directory as their notAfter approaches. Default true.</summary>
    public bool RenewCachedVceks { get; set; } = true;

    /// <summary>An item is renewed once its nextUpdate (or notAfter) is this close, or has passed. Default 1 day.</summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Time between passes when the last pass renewed everything that was due. Default 1 hour.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time before the next pass when an item could not be renewed. Default 5 minutes.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the values above.</summary>
    /// <exception cref="ArgumentException">A name or interval is out of range.</exception>
    public void Validate()
    {
        foreach (string fmspc in TdxFmspcs.Concat(SgxFmspcs))
        {
            if (fmspc is not { Length: 12 } || !fmspc.All(char.IsAsciiHexDigit))
            {
                throw new ArgumentException($"FMSPC '{fmspc}' is not 12 hex digits.", nameof(TdxFmspcs));
            }
        }

        if (IntelPckCas.Any(ca => ca is not ("platform" or "processor")))
        {
            throw new ArgumentException("PCK CAs are 'platform' and 'processor'.", nameof(IntelPckCas));
        }

        if (AmdFamilies.Any(f => f is not ("Milan" or "Genoa" or "Turin")))
        {
            throw new ArgumentException("AMD families are 'Milan', 'Genoa' and 'Turin'.", nameof(AmdFamilies));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RenewBefore, TimeSpan.Zero, nameof(RenewBefore));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckInterval, TimeSpan.FromSeconds(1), nameof(CheckInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryInterval, TimeSpan.FromSeconds(1), nameof(RetryInterval));
    }
}

/// <summary>The state of one collateral item as the refresher last saw it.</summary>
/// <param name="Item">Its name, as in the cache directory (e.g. "intel/tdx/tcbinfo/b0c06f000000").</param>
/// <param name="InUse">Validity of the copy in the cache (what verifiers use); null when there is none.</param>
/// <param name="Age">How long ago the copy in use was issued, at the time of the status; null when there is none.</param>
/// <param name="LastRenewed">When the refresher last replaced the copy; null if it never did.</param>
/// <param name="LastError">Why the last renewal failed (the copy in use was kept); null after a success.</param>
public sealed record CollateralItemStatus(string Item, CollateralValidity? InUse, TimeSpan? Age, DateTimeOffset? LastRenewed, string? LastError)
{
    /// <summary>True when a copy is in use and its nextUpdate has passed at the time of the status.</summary>
    public bool Expired { get; init; }
}
