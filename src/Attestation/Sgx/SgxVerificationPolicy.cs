using Kms.Attestation.Intel;

namespace Kms.Attestation.Sgx;

/// <summary>
/// What an <see cref="SgxQuoteVerifier"/> accepts beyond cryptographic validity: TCB statuses (default UpToDate only)
/// and debug enclaves (default refused). Which enclaves (MRENCLAVE, MRSIGNER, ISV product id and SVN) may do what is
/// the caller's policy over <see cref="SgxMeasurements"/>.
/// </summary>
public sealed record SgxVerificationPolicy : DcapVerificationPolicy<SgxVerificationPolicy>;
