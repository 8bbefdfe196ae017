namespace Kms.Attestation;

/// <summary>
/// Supplies verification collateral in the formats the vendors serve it: Intel PCS v4 (TCB info and QE identity
/// JSON with their issuer chains, CRLs in DER), AMD KDS (VCEK/VLEK DER, ASK/ARK PEM, CRLs in DER) and OpenID JWKS.
/// Returns null when the item is not available; verifiers turn that into <see cref="AttestationFailureKind.MissingCollateral"/>.
/// </summary>
public interface ICollateralSource
{
    /// <summary>The TDX or SGX TCB info response body for a FMSPC (hex, 12 chars) and the PEM issuer chain.</summary>
    ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken);

    /// <summary>The QE identity response body (TD_QE for TDX, QE for SGX) and the PEM issuer chain.</summary>
    ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken);

    /// <summary>A DER CRL by name: "root" (Intel SGX Root CA CRL), "platform" or "processor" (PCK CRLs).</summary>
    ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken);

    /// <summary>The DER VCEK for a processor family ("Milan", "Genoa", "Turin"), chip id and reported TCB.</summary>
    ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken);

    /// <summary>
    /// The DER AMD KDS CRL of a processor family ("Milan", "Genoa", "Turin") for VCEK chains ("vcek") or VLEK chains
    /// ("vlek"): <c>GET /{vcek|vlek}/v1/{family}/crl</c>.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken);

    /// <summary>The JWKS JSON document of an MAA instance (by issuer URL).</summary>
    ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken);
}

/// <summary>A collateral body with the PEM certificate chain of its signer, as Intel PCS returns them.</summary>
/// <param name="Body">The response body exactly as served (the signature covers bytes inside it).</param>
/// <param name="IssuerChainPem">The signer's certificate chain, leaf first, PEM.</param>
public sealed record SignedCollateral(ReadOnlyMemory<byte> Body, string IssuerChainPem);
