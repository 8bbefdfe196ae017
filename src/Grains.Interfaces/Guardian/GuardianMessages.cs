namespace Kms.Grains.Guardian;

/// <summary>A phase-1 answer.</summary>
/// <param name="Challenge">32 bytes the phase-2 evidence binds.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Guardian.GuardianChallenge")]
public sealed record GuardianChallenge([property: Id(0)] byte[] Challenge, [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A phase-2 request.</summary>
/// <param name="Evidence">The decoded <c>evidence</c> field: JSON bytes (<c>quote</c>, <c>attestation_report</c> or <c>dev</c>).</param>
/// <param name="CertificateRequest">A PKCS#10 CSR (DER) to certify, or <see langword="null"/>.</param>
/// <param name="Challenge">The phase-1 challenge; required with a CSR, whose key the report data then binds.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Guardian.GuardianVerifyRequest")]
public sealed record GuardianVerifyRequest(
    [property: Id(0)] byte[] Evidence,
    [property: Id(1)] byte[]? CertificateRequest,
    [property: Id(2)] byte[]? Challenge);

/// <summary>A verified instance.</summary>
/// <param name="MeasurementHash">tee-guardian's measurement hash (the registry identity).</param>
/// <param name="CertificatePem">The certificate issued for the CSR, or <see langword="null"/> without one.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Guardian.GuardianVerification")]
public sealed record GuardianVerification(
    [property: Id(0)] string MeasurementHash,
    [property: Id(1)] string TcbStatus,
    [property: Id(2)] string? CertificatePem,
    [property: Id(3)] string? CaCertificatePem);

/// <summary>A tee-guardian measurement object to add.</summary>
/// <param name="Platform">"tdx" or "sev_snp".</param>
/// <param name="DataJson">The <c>data</c> object as JSON text (TDX: rtmr0..rtmr3; SEV-SNP: measurement, host_data).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Guardian.GuardianMeasurement")]
public sealed record GuardianMeasurement([property: Id(0)] string Platform, [property: Id(1)] string DataJson);

/// <summary>A measurement as tee-guardian's registry shows it.</summary>
/// <param name="Platform">"tdx", "sev_snp", or <see langword="null"/> for an identity added through <c>/v1</c>.</param>
/// <param name="DataJson">The data object as JSON text, or <see langword="null"/> likewise.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Guardian.GuardianMeasurementView")]
public sealed record GuardianMeasurementView(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string MeasurementHash,
    [property: Id(2)] string? Platform,
    [property: Id(3)] string? DataJson,
    [property: Id(4)] DateTimeOffset? RevokedAt);
