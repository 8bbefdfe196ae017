using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Attestation.Dev;

/// <summary>
/// Verifies <see cref="DevEvidence"/> signed by the configured dev key. Dev evidence proves nothing about hardware: the
/// result has <see cref="TeeType.Dev"/>, <see cref="TcbStatus.NotApplicable"/> and <see cref="VerifiedEvidence.Debug"/>
/// set (nothing protects the workload's memory), and its measurements appear in
/// <see cref="VerifiedEvidence.PlatformIds"/> as "measurement.&lt;name&gt;" (hex). It can only be created with a
/// <see cref="DevModeAcknowledgement"/>, and it logs a warning when created and on every verification.
/// </summary>
public sealed partial class DevEvidenceVerifier : IEvidenceVerifier
{
    // Importing the key costs as much as the verification; instances are kept for reuse, one caller at a time each
    // (an ECDsa instance is not documented as safe for concurrent use).
    private const int MaxPooledKeys = 16;
    private readonly ConcurrentQueue<ECDsa> _keys = new();
    private readonly ECParameters _key;
    private readonly ILogger _logger;

    private DevEvidenceVerifier(ECParameters key, ILogger logger)
    {
        _key = key;
        _logger = logger;
    }

    /// <summary>"dev".</summary>
    public string EvidenceType => "dev";

    /// <summary>Creates the verifier for the dev key with SubjectPublicKeyInfo <paramref name="subjectPublicKeyInfo"/> (P-256).</summary>
    public static DevEvidenceVerifier Create(DevModeAcknowledgement acknowledgement, ReadOnlySpan<byte> subjectPublicKeyInfo, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        using ECDsa key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
        ECParameters parameters = key.ExportParameters(false);
        if (read != subjectPublicKeyInfo.Length || key.KeySize != 256 || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("The dev key must be a P-256 public key.", nameof(subjectPublicKeyInfo));
        }

        ILogger log = logger ?? NullLogger.Instance;
        LogDevModeEnabled(log);
        return new DevEvidenceVerifier(parameters, log);
    }

    public ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default)
    {
        if (expectedReportData.IsEmpty || expectedReportData.Length > 64)
        {
            throw new ArgumentException("The expected report data must be 1 to 64 bytes.", nameof(expectedReportData));
        }

        (byte[] payload, byte[] signature) = DevEvidencePayload.ParseEnvelope(evidence.Span);
        if (signature.Length != 64 || !VerifySignature(payload, signature))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The dev evidence is not signed by the configured dev key.");
        }

        DevEvidencePayload parsed = DevEvidencePayload.Parse(payload);
        Snp.SnpReportVerifier.RequireReportData(Pad(parsed.ReportData), expectedReportData.Span);
        LogDevEvidenceAccepted(_logger);

        var platformIds = new Dictionary<string, string>(StringComparer.Ordinal) { ["dev"] = "true" };
        foreach ((string name, byte[] value) in parsed.Measurements)
        {
            platformIds["measurement." + name] = Convert.ToHexStringLower(value);
        }

        return new(new VerifiedEvidence
        {
            Tee = TeeType.Dev,
            ReportData = parsed.ReportData,
            TcbStatus = TcbStatus.NotApplicable,
            Debug = true,
            PlatformIds = platformIds,
        });
    }

    private bool VerifySignature(byte[] payload, byte[] signature)
    {
        ECDsa key = _keys.TryDequeue(out ECDsa? pooled) ? pooled : ECDsa.Create(_key);
        try
        {
            return key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            if (_keys.Count < MaxPooledKeys)
            {
                _keys.Enqueue(key);
            }
            else
            {
                key.Dispose();
            }
        }
    }

    private static byte[] Pad(byte[] reportData)
    {
        byte[] padded = new byte[64];
        reportData.CopyTo(padded, 0);
        return padded;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "DEV MODE: dev attestation evidence is accepted. It proves nothing about hardware; never use this in production.")]
    private static partial void LogDevModeEnabled(ILogger logger);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "DEV MODE: accepted dev attestation evidence (no TEE).")]
    private static partial void LogDevEvidenceAccepted(ILogger logger);
}
