using Kms.Attestation.Intel;

namespace Kms.Attestation.Tdx;

/// <summary>What a <see cref="TdxQuoteVerifier"/> accepts beyond cryptographic validity.</summary>
public sealed record TdxVerificationPolicy : DcapVerificationPolicy<TdxVerificationPolicy>;
