namespace Kms.Attestation.Azure;

/// <summary>
/// An SGX enclave allowed to run an Azure Attestation token service: the signer (MRSIGNER) and product id it must have,
/// optionally one exact build (MRENCLAVE), and the lowest security version (ISVSVN) accepted.
/// </summary>
/// <remarks>
/// The sharedweu JWKS snapshot in the test corpus (2023) shows MRSIGNER
/// 74ba5fba208571cf99e1f7158e6536a05bbb6ce7807eef8f6a97f64a7af64b83, ISV product id 1, ISVSVN 1, MRENCLAVE
/// 0d4a58405ba5bcae05ed22f3bfe71d80a5c86bef76f5a9840dcc17f61d0a7e39. Microsoft does not publish these as a list; an
/// operator reads them from the JWKS of the instances they trust and pins them here.
/// </remarks>
public sealed record MaaEnclaveIdentity
{
    /// <summary>MRSIGNER (32 bytes). Required.</summary>
    public required ReadOnlyMemory<byte> MrSigner { get; init; }

    /// <summary>ISVPRODID the enclave must have.</summary>
    public required ushort ProductId { get; init; }

    /// <summary>The lowest ISVSVN accepted. Default 0 (any).</summary>
    public ushort MinimumSvn { get; init; }

    /// <summary>MRENCLAVE (32 bytes) of the one accepted build; null accepts any build of the signer. Default null.</summary>
    public ReadOnlyMemory<byte>? MrEnclave { get; init; }

    /// <summary>True when <paramref name="enclave"/> is this identity.</summary>
    public bool Matches(SgxMeasurements enclave)
    {
        ArgumentNullException.ThrowIfNull(enclave);
        return enclave.MrSigner.Span.SequenceEqual(MrSigner.Span)
            && enclave.IsvProdId == ProductId
            && enclave.IsvSvn >= MinimumSvn
            && (MrEnclave is not { } mrEnclave || enclave.MrEnclave.Span.SequenceEqual(mrEnclave.Span));
    }

    internal void Validate()
    {
        if (MrSigner.Length != 32 || (MrEnclave is { } e && e.Length != 32))
        {
            throw new ArgumentException("MRSIGNER and MRENCLAVE of an accepted MAA enclave are 32 bytes.");
        }
    }
}

/// <summary>What the SGX quote embedded in an Azure Attestation signing certificate must satisfy.</summary>
public sealed record MaaSignerQuoteOptions
{
    /// <summary>
    /// The enclaves allowed to run the token service. When empty (the default) embedded quotes are not checked, and the
    /// evidence says so (<c>maa_signer_quote = "not-checked"</c>); when set, a present quote must verify and match one.
    /// </summary>
    public IReadOnlyList<MaaEnclaveIdentity> AcceptedEnclaves { get; init; } = [];

    /// <summary>
    /// Refuse tokens whose signing key has no certificate or whose certificate carries no SGX quote. Default false.
    /// Requires <see cref="AcceptedEnclaves"/>.
    /// </summary>
    public bool RequireQuote { get; init; }

    /// <summary>
    /// How long a certificate whose quote verified is trusted before its quote is verified again against the collateral
    /// then current (TCB info, QE identity, CRLs). Default 10 minutes; at most 1 day.
    /// </summary>
    public TimeSpan RecheckInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks the values above.</summary>
    /// <exception cref="ArgumentException">A value is out of range, or a quote is required without accepted enclaves.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(AcceptedEnclaves);
        foreach (MaaEnclaveIdentity identity in AcceptedEnclaves)
        {
            ArgumentNullException.ThrowIfNull(identity, nameof(AcceptedEnclaves));
            identity.Validate();
        }

        if (RequireQuote && AcceptedEnclaves.Count == 0)
        {
            throw new ArgumentException("RequireQuote needs at least one accepted MAA enclave identity.", nameof(RequireQuote));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RecheckInterval, TimeSpan.Zero, nameof(RecheckInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecheckInterval, TimeSpan.FromDays(1), nameof(RecheckInterval));
    }
}
